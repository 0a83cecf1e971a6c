import { describe, expect, it } from "vitest";
import {
  checkStorages,
  filesFromRules,
  filterPatternProblem,
  isStowageError,
  rcloneFilterRules,
  recursiveList,
  SyncFilter,
  syncStorages,
  type SnapshotStorage,
  type SyncFilterRule,
} from "../../src/index.js";
import { MapStorage } from "./helpers/map-storage.js";

/** Issue 24 item 2, case by case: rclone 1.60's filter language, not picomatch's. */
const exclude = (pattern: string): SyncFilterRule => ({ action: "exclude", pattern });
const include = (pattern: string): SyncFilterRule => ({ action: "include", pattern });
const kept = (rules: SyncFilterRule[], paths: string[]): string[] => {
  const filter = new SyncFilter(rules);
  return paths.filter((path) => filter.includes(path));
};

async function fill(storage: SnapshotStorage, files: Record<string, string>): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content);
}

describe("glob syntax", () => {
  it("parentheses, ! + @ | are literal: no groups, no extglobs", () => {
    expect(kept([exclude("report (final).pdf")], ["report (final).pdf", "report final.pdf"])).toEqual(["report final.pdf"]);
    expect(kept([exclude("* (1).*")], ["photo (1).jpg", "photo 1.jpg"])).toEqual(["photo 1.jpg"]);
    expect(kept([exclude("!(keep).txt")], ["a.txt", "keep.txt", "!(keep).txt"])).toEqual(["a.txt", "keep.txt"]);
  });

  it("[...] is an RE2 class: [!a] holds ! and a, [^a] negates", () => {
    expect(kept([exclude("[!a].txt")], ["a.txt", "!.txt", "b.txt"])).toEqual(["b.txt"]);
    expect(kept([exclude("[^a].txt")], ["a.txt", "!.txt", "b.txt"])).toEqual(["a.txt"]);
    expect(kept([exclude("[[:digit:]]*")], ["1.log", "a.log"])).toEqual(["a.log"]);
  });

  it("? and * match code points, so an emoji is one character", () => {
    expect(kept([exclude("/?.txt")], ["😀.txt", "ab.txt"])).toEqual(["ab.txt"]);
    expect(kept([exclude("/??.txt")], ["😀.txt", "ab.txt"])).toEqual(["😀.txt"]);
  });

  it("{{regexp}} is RE2 where JS agrees, and refused where it does not", () => {
    expect(kept([exclude(String.raw`/{{file\d+}}.png`)], ["file12.png", "filex.png"])).toEqual(["filex.png"]);
    // RE2's . matches \r, which JS's . does not.
    expect(kept([exclude("/{{a.}}")], ["a\r", "ab", "a"])).toEqual(["a"]);
    expect(kept([exclude(String.raw`/{{\s}}`)], ["\u00a0", "\t"])).toEqual(["\u00a0"]);
    expect(filterPatternProblem("{{(?i)jpg}}")).toMatch(/cannot match exactly/);
    expect(filterPatternProblem(String.raw`{{\pL}}`)).toMatch(/cannot match exactly/);
    let error: unknown;
    try {
      new SyncFilter([exclude("*.{{(?i)jpg}}")]);
    } catch (caught) {
      error = caught;
    }
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
    expect((error as Error).message).toContain("*.{{(?i)jpg}}");
  });
});

describe("rule meaning", () => {
  it("a rule ending in / or /** matches folders, never a file of that name", () => {
    const paths = ["build", "build/a.js", "lib/node_modules", "lib/node_modules/x.js", "node_modules/y.js"];
    expect(kept([exclude("/build/**")], paths)).toEqual(["build", "lib/node_modules", "lib/node_modules/x.js", "node_modules/y.js"]);
    expect(kept([exclude("node_modules/")], paths)).toEqual(["build", "build/a.js", "lib/node_modules"]);
  });

  it("an include with escapes walks its folder and copies its files", async () => {
    const source = new MapStorage();
    const target = new MapStorage();
    await fill(source, { "src/[w] TII/a.txt": "a", "src/[w] TII/b.bin": "b", "src/w TII/c.txt": "c" });
    const { rules } = rcloneFilterRules({ include: [String.raw`/\[w\] TII/*.txt`] });
    const report = await syncStorages(source, "src", target, "dst", { filter: rules });
    expect(await recursiveList(target, "dst")).toEqual(["dst/[w] TII/a.txt"]);
    expect(report).toMatchObject({ copied: 1, excluded: 1, excludedFolders: 1 });
  });

  it("--include dir/ matches the folder and no file", () => {
    const { rules } = rcloneFilterRules({ include: ["dir/"] });
    const filter = new SyncFilter(rules);
    expect(filter.descend("dir")).toBe(true);
    expect(["dir/a", "a", "x/dir/b"].filter((path) => filter.includes(path))).toEqual([]);
  });
});

describe("rule order (rclone's, whatever the command line's)", () => {
  it("includes first, then excludes, then filter rules; mixing include and exclude warns", () => {
    const { rules, warning } = rcloneFilterRules({ exclude: ["*.txt"], include: ["a.txt"] });
    expect(kept(rules, ["a.txt", "b.txt", "c.bin"])).toEqual(["a.txt"]);
    expect(warning).toBe("Using --filter is recommended instead of both --include and --exclude as the order they are parsed in is indeterminate");
    expect(rcloneFilterRules({ include: ["a"] }).warning).toBeUndefined();
    expect(kept(rcloneFilterRules({ filter: ["- a.txt"], include: ["*.txt"] }).rules, ["a.txt", "b.txt"])).toEqual(["a.txt", "b.txt"]);
  });

  it("the implicit - /** comes with --include only, never with --filter '+ ...'", () => {
    expect(kept(rcloneFilterRules({ include: ["a.txt"] }).rules, ["a.txt", "b.txt"])).toEqual(["a.txt"]);
    expect(kept(rcloneFilterRules({ filter: ["+ a.txt"] }).rules, ["a.txt", "b.txt"])).toEqual(["a.txt", "b.txt"]);
  });

  it("'!' clears the rules before it; a line that is not + , - or ! is refused", () => {
    expect(kept(rcloneFilterRules({ exclude: ["*.txt"], filter: ["- b*", "!"] }).rules, ["a.txt", "b.bin"])).toEqual(["a.txt", "b.bin"]);
    expect(() => rcloneFilterRules({ filter: ["+a"] })).toThrow(/not a filter rule/);
  });

  it("--files-from keeps exactly the files listed, glob characters taken literally", () => {
    const rules = filesFromRules(["a (1).txt", "/d/[x].txt/", "*"]);
    const filter = new SyncFilter(rules);
    expect(["a (1).txt", "d/[x].txt", "*", "b", "d/x.txt", "e/a (1).txt"].filter((path) => filter.includes(path))).toEqual(["a (1).txt", "d/[x].txt", "*"]);
    expect(filter.descend("d")).toBe(true);
    expect(filter.descend("e")).toBe(false);
  });
});

describe("counts", () => {
  it("a folder skipped whole is counted in excludedFolders, not as a file, by sync and check", async () => {
    const source = new MapStorage();
    const target = new MapStorage();
    await fill(source, { "src/a.txt": "a", "src/b.tmp": "b", "src/build/1": "1", "src/build/2": "2", "src/build/x/3": "3" });
    await fill(target, { "dst/build/old": "o" });
    const rules = [exclude("/build/**"), exclude("*.tmp")];
    const report = await syncStorages(source, "src", target, "dst", { filter: rules });
    expect(report).toMatchObject({ copied: 1, deleted: 0, excluded: 1, excludedFolders: 1 });
    const check = await checkStorages(source, "src", target, "dst", { filter: rules });
    expect(check).toMatchObject({ matched: 1, onlyInA: 0, excluded: 1, excludedFolders: 1 });
    expect(await syncStorages(source, "src", target, "dst")).not.toHaveProperty("excludedFolders");
  });
});
