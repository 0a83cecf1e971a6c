import { describe, expect, it } from "vitest";
import {
  InvalidOptionsError,
  SyncError,
  SyncFilter,
  compareKeys,
  recursiveList,
  syncStorages,
  type SnapshotStorage,
  type SyncFilterRule,
  type SyncOptions,
  type SyncProgress,
  type SyncReport,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

const exclude = (pattern: string): SyncFilterRule => ({ action: "exclude", pattern });
const include = (pattern: string): SyncFilterRule => ({ action: "include", pattern });

async function fill(storage: SnapshotStorage, files: Record<string, string>): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content);
}

async function logged(
  source: SnapshotStorage,
  target: SnapshotStorage,
  options: SyncOptions,
): Promise<SyncReport & { paths: Record<SyncProgress["action"], string[]> }> {
  const paths: Record<SyncProgress["action"], string[]> = { copy: [], skip: [], delete: [], backup: [], ignore: [], exclude: [] };
  const report = await syncStorages(source, "src", target, "dst", { ...options, onProgress: (event) => paths[event.action].push(event.path) });
  for (const list of Object.values(paths)) list.sort(compareKeys);
  return { ...report, paths };
}

/** Counts the folders a basic-tier storage was asked to list. */
class CountingMapStorage extends MapStorage {
  readonly listed: string[] = [];
  override async list(prefix: string): Promise<string[]> {
    this.listed.push(prefix);
    return super.list(prefix);
  }
}

describe("SyncFilter", () => {
  it("anchors a leading /, matches other patterns at any depth, and reads a trailing / as a whole folder", () => {
    const filter = new SyncFilter([exclude("/build/**"), exclude("*.tmp"), exclude("node_modules/"), exclude("cache/**")]);
    expect(filter.includes("build/a.js")).toBe(false);
    expect(filter.includes("lib/build/a.js")).toBe(true);
    expect(filter.includes("a.tmp")).toBe(false);
    expect(filter.includes("x/y/a.tmp")).toBe(false);
    expect(filter.includes("x/y/a.tmpx")).toBe(true);
    expect(filter.includes("node_modules/p/index.js")).toBe(false);
    expect(filter.includes("pkg/node_modules/p/.bin/x")).toBe(false);
    expect(filter.includes("x/cache/a")).toBe(false);
    expect(filter.includes("src/main.ts")).toBe(true);
    expect(filter.includes(".hidden/.env")).toBe(true);
  });

  it("first match wins, and include rules exclude what no rule matches (rclone's implicit --exclude **)", () => {
    const filter = new SyncFilter([exclude("secret.txt"), include("*.txt"), include("/docs/**")]);
    expect(filter.includes("a.txt")).toBe(true);
    expect(filter.includes("x/secret.txt")).toBe(false);
    expect(filter.includes("docs/img.png")).toBe(true);
    expect(filter.includes("img.png")).toBe(false);
    expect(new SyncFilter([include("*.txt"), exclude("*")]).includes("a.txt")).toBe(true);
    expect(new SyncFilter([exclude("*"), include("*.txt")]).includes("a.txt")).toBe(false);
  });

  it("descends only into folders where some file could be included", () => {
    const filter = new SyncFilter([exclude("node_modules/"), exclude("*.tmp"), include("/keep/node_modules/**")]);
    expect(filter.descend("node_modules")).toBe(false);
    expect(filter.descend("a/node_modules/b")).toBe(false);
    // The include comes after the exclude that covers the folder: first match wins.
    expect(filter.descend("keep/node_modules")).toBe(false);
    // Include rules exclude the rest, so only folders on the way to /keep/ are walked.
    expect(filter.descend("src")).toBe(false);
    expect(filter.descend("keep")).toBe(true);
    // rclone's globToDirGlobs: `src/**` needs its folder `src/` at any depth, but a folder above it
    // matches no folder rule, so `- /**` prunes it (rclone lsjson finds no `anything/src/x` either).
    const open = new SyncFilter([exclude("*.tmp"), include("src/**")]);
    expect(open.descend("src")).toBe(true);
    expect(open.descend("anything")).toBe(false);
    expect(new SyncFilter([include("/a/b/**"), exclude("**")]).descend("a")).toBe(true);
    expect(new SyncFilter([include("/a/b/**"), exclude("**")]).descend("c")).toBe(false);
  });

  it("rejects an empty pattern or an unknown action with E_INVALID_OPTIONS", () => {
    expect(() => new SyncFilter([exclude("")])).toThrow(InvalidOptionsError);
    expect(() => new SyncFilter([{ action: "drop" as "exclude", pattern: "x" }])).toThrow(/filter/);
  });
});

describe("syncStorages with a filter", () => {
  it.each([
    ["basic to basic", () => new MapStorage(), () => new MapStorage()],
    ["advanced to advanced", () => new AdvancedMapStorage(), () => new AdvancedMapStorage()],
    ["basic to advanced", () => new MapStorage(), () => new AdvancedMapStorage()],
  ])("%s: excluded files are neither copied nor deleted, and are counted once", async (_, makeSource, makeTarget) => {
    const source = makeSource();
    const target = makeTarget();
    await fill(source, { "src/a.txt": "a", "src/b.tmp": "b", "src/lib/c.tmp": "c", "src/both.tmp": "s" });
    await fill(target, { "dst/old.tmp": "o", "dst/extra": "x", "dst/both.tmp": "t" });
    const report = await logged(source, target, { filter: [exclude("*.tmp")] });
    expect(report).toMatchObject({ copied: 1, deleted: 1, excluded: 4 });
    expect(report.paths).toMatchObject({ copy: ["a.txt"], delete: ["extra"], exclude: ["b.tmp", "both.tmp", "lib/c.tmp", "old.tmp"] });
    expect(await recursiveList(target, "dst")).toEqual(["dst/a.txt", "dst/both.tmp", "dst/old.tmp"]);
  });

  it("never lists a folder whose whole subtree is excluded, on either side (basic tier)", async () => {
    const source = new CountingMapStorage();
    const target = new CountingMapStorage();
    await fill(source, { "src/a": "a", "src/node_modules/p/x.js": "x", "src/pkg/node_modules/q/y.js": "y", "src/pkg/z": "z" });
    await fill(target, { "dst/node_modules/old.js": "o" });
    const report = await syncStorages(source, "src", target, "dst", { filter: [exclude("node_modules/")] });
    expect(report).toMatchObject({ copied: 2, deleted: 0, excluded: 0 });
    expect(source.listed).toEqual(["src", "src/pkg"]);
    expect(target.listed).toEqual(["dst"]);
    expect(await recursiveList(target, "dst")).toEqual(["dst/a", "dst/node_modules/old.js", "dst/pkg/z"]);
  });

  it("the second delete pass (past 10,000 extras) keeps excluded files too", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    for (let i = 0; i < 10_010; i++) target.files.set(`dst/extra-${i}`, { data: Buffer.from("x"), mtime: new Date() });
    await fill(target, { "dst/keep.tmp": "k" });
    const report = await syncStorages(source, "src", target, "dst", { filter: [exclude("*.tmp")], concurrency: 32 });
    expect(report).toMatchObject({ deleted: 10_010, excluded: 1 });
    expect(await recursiveList(target, "dst")).toEqual(["dst/keep.tmp"]);
  });
});

describe("syncStorages with maxDelete", () => {
  async function setUp(): Promise<{ source: AdvancedMapStorage; target: MapStorage }> {
    const source = new AdvancedMapStorage();
    const target = new MapStorage();
    await fill(source, { "src/new": "n" });
    await fill(target, { "dst/x1": "1", "dst/x2": "2", "dst/x3": "3" });
    return { source, target };
  }

  it("deletes none, still copies, and rejects with stage max-delete and the count", async () => {
    const { source, target } = await setUp();
    const error = await syncStorages(source, "src", target, "dst", { maxDelete: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: "E_SYNC", stage: "max-delete", deleteCount: 3, failureCount: 0 });
    expect((error as SyncError).report).toMatchObject({ copied: 1, deleted: 0 });
    expect((error as Error).message).toMatch(/would delete 3 file\(s\), more than maxDelete \(2\)/);
    expect(await recursiveList(target, "dst")).toEqual(["dst/new", "dst/x1", "dst/x2", "dst/x3"]);
  });

  it("deletes when the count is within the limit, and a dry run rejects as the real run would", async () => {
    const { source, target } = await setUp();
    await expect(syncStorages(source, "src", target, "dst", { maxDelete: 2, dryRun: true })).rejects.toMatchObject({ stage: "max-delete", deleteCount: 3 });
    expect(await syncStorages(source, "src", target, "dst", { maxDelete: 3, dryRun: true })).toMatchObject({ deleted: 3, dryRun: true });
    expect(await recursiveList(target, "dst")).toEqual(["dst/x1", "dst/x2", "dst/x3"]);
    expect(await syncStorages(source, "src", target, "dst", { maxDelete: 3 })).toMatchObject({ copied: 1, deleted: 3 });
    expect(await recursiveList(target, "dst")).toEqual(["dst/new"]);
  });

  it("excluded files do not count, and --no-delete makes the limit moot", async () => {
    const { source, target } = await setUp();
    expect(await syncStorages(source, "src", target, "dst", { maxDelete: 0, deleteExtraneous: false })).toMatchObject({ copied: 1 });
    expect(await syncStorages(source, "src", target, "dst", { maxDelete: 1, filter: [exclude("x[12]")] })).toMatchObject({ deleted: 1, excluded: 2 });
  });

  it("counts every extra, past the 10,000 it remembers", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    for (let i = 0; i < 10_050; i++) target.files.set(`dst/extra-${i}`, { data: Buffer.from("x"), mtime: new Date() });
    await expect(syncStorages(source, "src", target, "dst", { maxDelete: 10_049 })).rejects.toMatchObject({ deleteCount: 10_050 });
    expect(target.files.size).toBe(10_050);
  });

  it("rejects a negative or fractional limit with E_INVALID_OPTIONS before anything happens", async () => {
    const { source, target } = await setUp();
    await expect(syncStorages(source, "src", target, "dst", { maxDelete: -1 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(syncStorages(source, "src", target, "dst", { maxDelete: 1.5 })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    expect(await recursiveList(target, "dst")).toEqual(["dst/x1", "dst/x2", "dst/x3"]);
  });
});
