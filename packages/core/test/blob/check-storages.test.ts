import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InvalidOptionsError,
  InvalidPathError,
  SnapshotNotFoundError,
  checkStorages,
  syncStorages,
  type CheckDifference,
  type CheckOptions,
  type FileStat,
  type SnapshotStorage,
  type SyncCompare,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

const T0 = new Date("2021-05-06T07:08:09.000Z");
const T1 = new Date("2022-01-01T00:00:00.000Z");

async function fill(storage: SnapshotStorage, files: Record<string, string>, mtime = T0): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content, { mtime });
}

async function check(a: SnapshotStorage, b: SnapshotStorage, options: CheckOptions = {}, aPrefix = "", bPrefix = "") {
  const differences: CheckDifference[] = [];
  const report = await checkStorages(a, aPrefix, b, bPrefix, { ...options, onDifference: (event) => differences.push(event) });
  differences.sort((x, y) => (x.path < y.path ? -1 : 1));
  return { report, differences };
}

/** Lists with a stand-in time, as S3-like listings do, so every equal-size pair must be stat'ed. */
class StandInTimes extends AdvancedMapStorage {
  stats = 0;
  override async *streamList(prefix: string): AsyncGenerator<FileStat> {
    for (const key of await this.recursiveList(prefix)) {
      const data = this.files.get(key)?.data;
      if (data !== undefined) yield { path: key, size: data.byteLength, mtime: new Date(0), needsStat: true };
    }
  }
  override async stat(path: string): Promise<FileStat> {
    this.stats++;
    return super.stat(path);
  }
}

describe("checkStorages", () => {
  it("counts files only in A, only in B, differing and matched, and changes neither side", async () => {
    const a = new AdvancedMapStorage();
    const b = new AdvancedMapStorage();
    await fill(a, { "same.txt": "same", "d/only-a.txt": "a", "size.txt": "short", "time.txt": "time" });
    await fill(b, { "same.txt": "same", "only-b.txt": "b", "size.txt": "longer!", "time.txt": "time" });
    await b.write("time.txt", "time", { mtime: T1 });
    const before = [new Map(a.files), new Map(b.files)];
    const { report, differences } = await check(a, b);
    expect(report).toEqual({ matched: 1, onlyInA: 1, onlyInB: 1, differing: 2, excluded: 0, ignored: 0 });
    expect(differences).toEqual([
      { path: "d/only-a.txt", kind: "only-in-a" },
      { path: "only-b.txt", kind: "only-in-b" },
      { path: "size.txt", kind: "differs" },
      { path: "time.txt", kind: "differs" },
    ]);
    expect([a.files, b.files]).toEqual(before);
  });

  it("with oneWay, files only in B are not differences", async () => {
    const a = new AdvancedMapStorage();
    const b = new AdvancedMapStorage();
    await fill(a, { "x.txt": "x" });
    await fill(b, { "x.txt": "x", "extra.txt": "e" });
    const { report, differences } = await check(a, b, { oneWay: true });
    expect(report).toMatchObject({ matched: 1, onlyInB: 0 });
    expect(differences).toEqual([]);
  });

  it("compare: size ignores times; checksum reads contents; auto trusts equal size and time", async () => {
    const a = new AdvancedMapStorage();
    const b = new AdvancedMapStorage();
    await fill(a, { "same-size.txt": "abcd", "touched.txt": "same" });
    await fill(b, { "same-size.txt": "wxyz" });
    await b.write("touched.txt", "same", { mtime: T1 });
    // Equal size and time, different bytes: only checksum sees it. Different etags are seen in auto too,
    // so compare across kinds of backend (etags not comparable).
    const basicB = new (class extends AdvancedMapStorage {})();
    for (const [key, file] of b.files) basicB.files.set(key, file);
    expect((await check(a, b, { compare: "size" })).report).toMatchObject({ matched: 2, differing: 0 });
    expect((await check(a, basicB, { compare: "auto" })).differences).toEqual([{ path: "touched.txt", kind: "differs" }]);
    expect((await check(a, b, { compare: "checksum" })).differences).toEqual([{ path: "same-size.txt", kind: "differs" }]);
  });

  it("stats listings' stand-in times before deciding, as sync does", async () => {
    const a = new StandInTimes();
    const b = new StandInTimes();
    await fill(a, { "p.txt": "p", "q.txt": "q" });
    await fill(b, { "p.txt": "p" });
    await b.write("q.txt", "q", { mtime: T1 });
    const { report } = await check(a, b);
    expect(report).toMatchObject({ matched: 1, differing: 1 });
    expect(a.stats + b.stats).toBe(4);
  });

  it("compares basic-tier storages by content, having no sizes", async () => {
    const a = new MapStorage();
    const b = new MapStorage();
    await fill(a, { "k/same": "1", "k/diff": "2" });
    await fill(b, { "k/same": "1", "k/diff": "3" });
    expect((await check(a, b, {}, "k", "k")).report).toMatchObject({ matched: 1, differing: 1 });
  });

  it("applies the sync's filter, counting excluded files once per path", async () => {
    const a = new AdvancedMapStorage();
    const b = new AdvancedMapStorage();
    await fill(a, { "keep.txt": "k", "x.tmp": "a", "node_modules/m.js": "m" });
    await fill(b, { "keep.txt": "k", "x.tmp": "b", "y.tmp": "y" });
    const filter = [
      { action: "exclude" as const, pattern: "*.tmp" },
      { action: "exclude" as const, pattern: "node_modules/" },
    ];
    const { report, differences } = await check(a, b, { filter });
    expect(differences).toEqual([]);
    expect(report).toMatchObject({ matched: 1, excluded: 3 });
  });

  it("rejects overlapping prefixes of one storage, and bad options, with typed errors", async () => {
    const a = new AdvancedMapStorage();
    await expect(checkStorages(a, "x", a, "x/y")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(checkStorages(a, "x", new AdvancedMapStorage(), "x", { concurrency: 0 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(
      checkStorages(a, "x", new AdvancedMapStorage(), "x", { compare: "mtime" as SyncCompare }),
    ).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it("rejects with the read's error when a file vanishes before it is hashed", async () => {
    const a = new MapStorage();
    const b = new MapStorage();
    await fill(a, { f: "1" });
    await fill(b, { f: "1" });
    const vanishing = new Proxy(b, {
      get: (target, property) =>
        property === "read" ? async (key: string) => Promise.reject(new SnapshotNotFoundError(key)) : Reflect.get(target, property, target),
    });
    await expect(checkStorages(a, "", vanishing, "")).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });
});

describe("checkStorages agrees with a dry-run syncStorages (property)", () => {
  // Names no folder shares, so that no random tree puts a file where the other side has a folder.
  const key = fc.tuple(fc.constantFrom("", "d/", "d/e/", "f/"), fc.constantFrom("a", "b", "c.tmp")).map(([dir, name]) => dir + name);
  const file = fc.record({ content: fc.constantFrom("", "x", "y", "xy"), time: fc.constantFrom(T0, T1) });
  const tree = fc.dictionary(key, file, { maxKeys: 12 });
  const compare = fc.constantFrom<SyncCompare>("auto", "size", "checksum");

  async function build(files: Record<string, { content: string; time: Date }>, standIn: boolean, basic: boolean) {
    const storage = basic ? new MapStorage() : standIn ? new StandInTimes() : new AdvancedMapStorage();
    for (const [path, { content, time }] of Object.entries(files)) await storage.write(`root/${path}`, content, { mtime: time });
    return storage;
  }

  it("copies exactly onlyInA ∪ differing, deletes exactly onlyInB", async () => {
    await fc.assert(
      fc.asyncProperty(tree, tree, compare, fc.boolean(), fc.boolean(), fc.boolean(), async (aFiles, bFiles, rule, standIn, basic, filtered) => {
        const a = await build(aFiles, standIn, basic);
        const b = await build(bFiles, standIn, false);
        const filter = filtered ? [{ action: "exclude" as const, pattern: "*.tmp" }] : [];
        const copied = new Set<string>();
        const deleted = new Set<string>();
        const sync = await syncStorages(a, "root", b, "root", {
          dryRun: true,
          compare: rule,
          filter,
          onProgress: (event) => {
            if (event.action === "copy") copied.add(event.path);
            if (event.action === "delete") deleted.add(event.path);
          },
        });
        const differing = new Set<string>();
        const onlyInB = new Set<string>();
        const report = await checkStorages(a, "root", b, "root", {
          compare: rule,
          filter,
          onDifference: ({ path, kind }) => (kind === "only-in-b" ? onlyInB : differing).add(path),
        });
        expect([...differing].sort()).toEqual([...copied].sort());
        expect([...onlyInB].sort()).toEqual([...deleted].sort());
        expect(report.onlyInA + report.differing).toBe(sync.copied);
        expect(report.onlyInB).toBe(sync.deleted);
        expect(report.matched).toBe(sync.skipped);
        expect(report.excluded).toBe(sync.excluded);
        // And the two agree after a real sync: nothing left to differ.
        await syncStorages(a, "root", b, "root", { compare: rule, filter });
        const after = await checkStorages(a, "root", b, "root", { compare: rule, filter });
        expect(after.onlyInA + after.onlyInB + after.differing).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
