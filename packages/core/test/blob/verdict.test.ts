import { describe, expect, it } from "vitest";
import { syncVerdict, type ListedFile, type SyncCompare } from "../../src/index.js";

const file = (size: number | undefined, mtime: number | undefined, extra: Partial<ListedFile> = {}): ListedFile => ({
  path: "a",
  ...(size === undefined ? {} : { size }),
  ...(mtime === undefined ? {} : { mtime: new Date(mtime) }),
  ...extra,
});
const decide = (source: ListedFile, target: ListedFile | undefined, compare: SyncCompare = "auto", sameKind = true) =>
  syncVerdict(source, target, { compare, sameKind });

describe("syncVerdict", () => {
  it("copies a file the target lacks", () => expect(decide(file(1, 0), undefined)).toBe("copy"));
  it("copies when sizes differ, whatever the rule", () => {
    for (const compare of ["auto", "size", "checksum"] as const) expect(decide(file(1, 5), file(2, 5), compare)).toBe("copy");
  });
  it("checks contents when either side has no size (a basic-tier walk)", () => {
    expect(decide(file(undefined, undefined), file(5, 1))).toBe("check");
    expect(decide(file(5, 1), file(undefined, undefined))).toBe("check");
  });
  it("'size' skips equal sizes; 'checksum' checks them", () => {
    expect(decide(file(5, 2000), file(5, 1000), "size")).toBe("skip");
    expect(decide(file(5, 1000), file(5, 1000), "checksum")).toBe("check");
  });
  it("'auto' skips equal size and time, and copies when the times differ either way (a rolled-back source too)", () => {
    expect(decide(file(5, 1000), file(5, 1000))).toBe("skip");
    expect(decide(file(5, 2000), file(5, 1000))).toBe("copy");
    expect(decide(file(5, 1000), file(5, 2000))).toBe("copy");
  });
  it("'auto' counts times within the coarser precision of the two sides as equal (rclone's modify window)", () => {
    expect(decide(file(5, 10_900), file(5, 10_000, { mtimePrecision: 1000 }))).toBe("skip");
    expect(decide(file(5, 10_000, { mtimePrecision: 1000 }), file(5, 10_999))).toBe("skip");
    expect(decide(file(5, 11_000), file(5, 10_000, { mtimePrecision: 1000 }))).toBe("copy");
    expect(decide(file(5, 10_001), file(5, 10_000))).toBe("copy");
  });
  it("'auto' copies when comparable etags differ, and ignores etags of another kind of backend", () => {
    expect(decide(file(5, 1000, { etag: "x" }), file(5, 1000, { etag: "y" }))).toBe("copy");
    expect(decide(file(5, 1000, { etag: "x" }), file(5, 1000, { etag: "y" }), "auto", false)).toBe("skip");
    expect(decide(file(5, 1000, { etag: "x" }), file(5, 2000, { etag: "x" }))).toBe("copy");
  });
  it("'auto' asks for stat when a listing only had a stand-in time and sizes match", () => {
    expect(decide(file(5, 1000, { needsStat: true }), file(5, 1000))).toBe("stat");
    expect(decide(file(5, 1000), file(5, 1000, { needsStat: true }))).toBe("stat");
    expect(decide(file(5, 1000, { needsStat: true }), file(6, 1000))).toBe("copy");
  });
});
