import { describe, expect, it } from "vitest";
import { MapStorage } from "./helpers/map-storage.js";
import { filterPatternProblem, isStowageError, SyncFilter, syncStorages, type SyncFilterRule } from "../../src/index.js";

const exclude = (pattern: string): SyncFilterRule => ({ action: "exclude", pattern });
const include = (pattern: string): SyncFilterRule => ({ action: "include", pattern });

/** Issue 20: malformed rule text is refused, as rclone refuses it, never read as literal names. */
describe("filter pattern text (rclone's glob syntax)", () => {
  it.each([
    ["", /is empty/],
    ["/", /'\/' alone/],
    ["//", /empty path segment/],
    ["a//b", /empty path segment/],
    ["[", /'\[' that is never closed/],
    ["[a-", /'\[' that is never closed/],
    ["*.[ch", /'\[' that is never closed/],
    ["{a,", /'\{' that is never closed/],
    ["{a,{b}", /can't nest/],
    ["{a,b{c,d}}.txt", /can't nest/],
    ["a]", /'\]' with no '\['/],
    ["a}", /'\}' with no '\{'/],
    ["[]", /never closed/],
    ["[z-a]", /range written backwards/],
    ["***", /more than two '\*'/],
    ["a\\", /lone '\\'/],
  ])("%j is refused with E_INVALID_OPTIONS naming the pattern", (pattern, problem) => {
    expect(filterPatternProblem(pattern)).toMatch(problem);
    let error: unknown;
    try {
      new SyncFilter([exclude(pattern)]);
    } catch (caught) {
      error = caught;
    }
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
    expect((error as Error).message).toContain(`got ${JSON.stringify(pattern)}`);
    expect((error as Error).message).toMatch(problem);
  });

  it("refuses a malformed rule before the sync touches either side", async () => {
    const source = new MapStorage();
    const target = new MapStorage();
    await source.write("src/a.txt", "a");
    await target.write("dst/old.txt", "o");
    await expect(syncStorages(source, "src", target, "dst", { filter: [exclude("{a,")] })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    expect(await target.list("dst")).toEqual(["dst/old.txt"]);
  });

  it.each(["*.tmp", "/build/**", "node_modules/", "[abc].txt", "[[:digit:]]*", "{a,b}.txt", "\\[literal\\].txt", "a-[0-9].log", "**/x?"])(
    "%j is valid",
    (pattern) => {
      expect(filterPatternProblem(pattern)).toBeUndefined();
      expect(() => new SyncFilter([exclude(pattern)])).not.toThrow();
    },
  );

  it("takes every character but * ? [ ] { } \\ literally, as rclone does (no extglobs, no negation)", () => {
    const filter = new SyncFilter([exclude("a(b).txt"), exclude("x|y"), exclude("!keep"), exclude("/c++/**"), exclude("@(z)")]);
    expect(filter.includes("a(b).txt")).toBe(false);
    expect(filter.includes("ab.txt")).toBe(true);
    expect(filter.includes("x|y")).toBe(false);
    expect(filter.includes("x")).toBe(true);
    expect(filter.includes("!keep")).toBe(false);
    expect(filter.includes("other")).toBe(true);
    expect(filter.includes("c++/main.cc")).toBe(false);
    expect(filter.includes("@(z)")).toBe(false);
    expect(filter.includes("z")).toBe(true);
  });

  it("an escaped character is literal, and an anchored include with one still lets the walk into its folder", () => {
    const filter = new SyncFilter([include("/a\\*b/(x)/*.js")]);
    expect(filter.includes("a*b/(x)/m.js")).toBe(true);
    expect(filter.includes("aXb/(x)/m.js")).toBe(false);
    expect(filter.descend("a*b")).toBe(true);
    expect(filter.descend("a*b/(x)")).toBe(true);
    expect(filter.descend("other")).toBe(false);
  });
});
