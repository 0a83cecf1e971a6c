import { describe, expect, it } from "vitest";
import { planSync, type SyncCompare, type SyncEntry } from "../../src/index.js";

const entry = (path: string, size: number, mtime = 1000, etag?: string): SyncEntry => ({ path, size, mtime: new Date(mtime), etag });
const paths = (entries: SyncEntry[]) => entries.map((e) => e.path);
const decide = (source: SyncEntry, target: SyncEntry | undefined, compare: SyncCompare = "auto") => {
  const plan = planSync([source], target ? [target] : [], { compare, deleteExtraneous: true });
  return (["copy", "skip", "check"] as const).find((action) => plan[action].length === 1);
};

describe("planSync decisions", () => {
  it("copies a file the target lacks", () => expect(decide(entry("a", 1), undefined)).toBe("copy"));
  it("copies when sizes differ, whatever the rule", () => {
    for (const compare of ["auto", "size", "checksum"] as const) expect(decide(entry("a", 1), entry("a", 2, 9999, "x"), compare)).toBe("copy");
  });
  it("checks content when either size is unknown (-1)", () => {
    expect(decide(entry("a", -1), entry("a", 5))).toBe("check");
    expect(decide(entry("a", 5), entry("a", -1))).toBe("check");
  });
  it("'size' skips equal sizes", () => expect(decide(entry("a", 5, 2000), entry("a", 5, 1000), "size")).toBe("skip"));
  it("'checksum' checks equal sizes", () => expect(decide(entry("a", 5), entry("a", 5), "checksum")).toBe("check"));
  it("'auto' with both etags: equal skips, different copies", () => {
    expect(decide(entry("a", 5, 2000, "e1"), entry("a", 5, 1000, "e1"))).toBe("skip");
    expect(decide(entry("a", 5, 1000, "e1"), entry("a", 5, 2000, "e2"))).toBe("copy");
  });
  it("'auto' with mtimeTolerance: a target older by less than the tolerance is up to date", () => {
    const plan = (target: SyncEntry) => planSync([entry("a", 5, 10_900)], [target], { compare: "auto", deleteExtraneous: true, mtimeTolerance: 999 });
    expect(plan(entry("a", 5, 10_000)).skip).toHaveLength(1);
    expect(plan(entry("a", 5, 9_900)).copy).toHaveLength(1);
  });
  it("'auto' without both etags: skips a target that is not older", () => {
    expect(decide(entry("a", 5, 1000), entry("a", 5, 1000))).toBe("skip");
    expect(decide(entry("a", 5, 1000, "e1"), entry("a", 5, 2000))).toBe("skip");
    expect(decide(entry("a", 5, 2000), entry("a", 5, 1000, "e1"))).toBe("copy");
  });
});

describe("planSync lists", () => {
  const source = [entry("b", 1), entry("\u{1F389}", 1), entry("a", 1), entry("\uFF61", 1)];
  const target = [entry("z-extra", 1), entry("a", 1), entry("y-extra", 1)];

  it("deletes target extras only with deleteExtraneous, and sorts every list by compareKeys", () => {
    const plan = planSync(source, target, { compare: "size", deleteExtraneous: true });
    expect(paths(plan.copy)).toEqual(["b", "\uFF61", "\u{1F389}"]);
    expect(paths(plan.skip)).toEqual(["a"]);
    expect(paths(plan.delete)).toEqual(["y-extra", "z-extra"]);
    expect(plan.check).toEqual([]);
    expect(planSync(source, target, { compare: "size", deleteExtraneous: false }).delete).toEqual([]);
  });

  it("plans nothing for two empty sides", () => {
    expect(planSync([], [], { compare: "auto", deleteExtraneous: true })).toEqual({ copy: [], skip: [], delete: [], check: [] });
  });
});
