import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  AbortError,
  InvalidPathError,
  SnapshotIOError,
  SyncError,
  collectBytes,
  compareKeys,
  hashFile,
  recursiveList,
  syncStorages,
  type SnapshotStorage,
  type SyncOptions,
  type SyncProgress,
  type SyncReport,
  type FileStat,
  type WriteContent,
  type WriteOptions,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

/** The sync's spool folders in the system's temporary directory. */
async function spoolFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith("stowage-extras-")).sort();
}

async function fill(storage: SnapshotStorage, files: Record<string, string>): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content);
}

async function contents(storage: SnapshotStorage, prefix = ""): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of await recursiveList(storage, prefix)) result[key] = (await collectBytes(await storage.read(key))).toString();
  return result;
}

/** Wraps a storage so that writing `failingKey` fails: a fault a real backend cannot produce on demand. */
function failingWritesTo<S extends SnapshotStorage>(storage: S, failingKey: string): S {
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "write") {
        return async (key: string, content: WriteContent) => {
          if (key === failingKey) throw new Error(`disk full writing ${key}`);
          return target.write(key, content);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Runs a sync and collects the paths of each action from its events, sorted. */
async function logged(
  source: SnapshotStorage,
  from: string,
  target: SnapshotStorage,
  to: string,
  options: SyncOptions = {},
): Promise<SyncReport & { paths: Record<SyncProgress["action"], string[]> }> {
  const paths: Record<SyncProgress["action"], string[]> = { copy: [], skip: [], delete: [], backup: [], ignore: [], exclude: [] };
  const report = await syncStorages(source, from, target, to, {
    ...options,
    onProgress: (event) => {
      paths[event.action].push(event.path);
      options.onProgress?.(event);
    },
  });
  for (const list of Object.values(paths)) list.sort(compareKeys);
  return { ...report, paths };
}

const SOURCE = { "snap/a.txt": "alpha", "snap/sub/b.txt": "bravo", "snap/sub/deep/c": "", "other/x": "not synced" };

describe("syncStorages between two different storages", () => {
  it.each([
    ["advanced to basic", () => new AdvancedMapStorage(), () => new MapStorage()],
    ["basic to advanced", () => new MapStorage(), () => new AdvancedMapStorage()],
    ["basic to basic", () => new MapStorage(), () => new MapStorage()],
    ["advanced to advanced", () => new AdvancedMapStorage(), () => new AdvancedMapStorage()],
  ])("%s: copies, then skips unchanged files, then copies a same-size change", async (_, makeSource, makeTarget) => {
    const source = makeSource();
    const target = makeTarget();
    await fill(source, SOURCE);
    await fill(target, { "mirror/extra": "x", "mirror-neighbour/keep": "k" });

    const first = await logged(source, "snap", target, "mirror");
    expect(first).toMatchObject({ copied: 3, skipped: 0, deleted: 1, ignored: 0, excluded: 0, bytesCopied: 10, dryRun: false });
    expect(first.paths).toEqual({ copy: ["a.txt", "sub/b.txt", "sub/deep/c"], skip: [], delete: ["extra"], backup: [], ignore: [], exclude: [] });
    expect(await contents(target)).toEqual({ "mirror-neighbour/keep": "k", "mirror/a.txt": "alpha", "mirror/sub/b.txt": "bravo", "mirror/sub/deep/c": "" });

    const second = await logged(source, "snap", target, "mirror");
    expect(second.copied).toBe(0);
    expect(second.paths.skip).toEqual(["a.txt", "sub/b.txt", "sub/deep/c"]);

    await source.write("snap/a.txt", "ALPHA");
    expect((await logged(source, "snap", target, "mirror", { compare: "checksum" })).paths.copy).toEqual(["a.txt"]);
    expect((await collectBytes(await target.read("mirror/a.txt"))).toString()).toBe("ALPHA");
  });

  it("does not compare etags of different kinds of backend: an unchanged file is skipped on a rerun", async () => {
    /** Same content, another etag format: what Redis and S3 do to each other. */
    class OtherEtagStorage extends AdvancedMapStorage {
      override async stat(path: string) {
        const stat = await super.stat(path);
        return { ...stat, etag: `other-${stat.etag ?? ""}` };
      }
    }
    const source = new AdvancedMapStorage();
    const target = new OtherEtagStorage();
    await fill(source, SOURCE);
    expect((await syncStorages(source, "snap", target, "mirror")).copied).toBe(3);
    const second = await logged(source, "snap", target, "mirror");
    expect(second.copied).toBe(0);
    expect(second.paths.skip).toEqual(["a.txt", "sub/b.txt", "sub/deep/c"]);
  });

  it("a target that keeps whole seconds (mtimePrecision 1000) counts as up to date, and a rolled-back source is copied", async () => {
    /** Keeps whole seconds, as S3's LastModified does, and says so. */
    class SecondsStorage extends AdvancedMapStorage {
      override async stat(path: string) {
        const stat = await super.stat(path);
        return { ...stat, mtime: new Date(Math.floor(stat.mtime.getTime() / 1000) * 1000), mtimePrecision: 1000 };
      }
    }
    const source = new AdvancedMapStorage();
    const target = new SecondsStorage();
    await source.write("snap/a", "one", { mtime: new Date(1_700_000_000_500) });
    await syncStorages(source, "snap", target, "mirror");
    expect((await target.stat("mirror/a")).mtime.getTime()).toBe(1_700_000_000_000);
    expect((await syncStorages(source, "snap", target, "mirror")).copied).toBe(0);
    await source.write("snap/a", "two", { mtime: new Date(1_600_000_000_000) });
    expect((await syncStorages(source, "snap", target, "mirror")).copied).toBe(1);
    expect((await collectBytes(await target.read("mirror/a"))).toString()).toBe("two");
  });

  it("copies carry the source's modification time", async () => {
    const source = new AdvancedMapStorage();
    const target = new MapStorage();
    const mtime = new Date(1_234_567_890_123);
    await source.write("s/a", "x", { mtime });
    await syncStorages(source, "s", target, "t");
    expect(target.files.get("t/a")?.mtime.getTime()).toBe(mtime.getTime());
  });

  it("without stat on either side, a same-size change is found by hashing both files", async () => {
    const source = new MapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, { "s/f": "same size A" });
    await syncStorages(source, "s", target, "t");
    await source.write("s/f", "same size B");
    expect((await logged(source, "s", target, "t")).paths.copy).toEqual(["f"]);
    expect(await hashFile(target, "t/f")).toBe(await hashFile(source, "s/f"));
  });

  it("allows equal prefixes on different storages but rejects overlap within one", async () => {
    const one = new AdvancedMapStorage();
    await fill(one, { "a/b/c": "1" });
    for (const [from, to] of [["a", "a"], ["a", "a/b"], ["a/b/", "a"], ["", "a"], ["a", ""]]) {
      await expect(syncStorages(one, from as string, one, to as string)).rejects.toThrow(InvalidPathError);
    }
    expect(await contents(one)).toEqual({ "a/b/c": "1" });
    const other = new MapStorage();
    expect((await logged(one, "a", other, "a")).paths.copy).toEqual(["b/c"]);
  });

  it("rejects bad prefixes before touching either side", async () => {
    const source = new MapStorage();
    await expect(syncStorages(source, "../x", new MapStorage(), "t")).rejects.toThrow(InvalidPathError);
    await expect(syncStorages(source, "s", new MapStorage(), "/abs")).rejects.toThrow(InvalidPathError);
  });

  it("a failed copy is a SyncError, and nothing is deleted", async () => {
    const source = new MapStorage();
    const real = new MapStorage();
    await fill(source, { "s/a": "1", "s/b": "2", "s/c": "3" });
    await fill(real, { "t/extra": "keep me until every copy worked" });
    const target = failingWritesTo(real, "t/b");

    const error = await syncStorages(source, "s", target, "t").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    const syncError = error as SyncError;
    expect(syncError.code).toBe("E_SYNC");
    expect(syncError.failures.map((failure) => failure.path)).toEqual(["b"]);
    expect(syncError.message).toContain("disk full");
    expect((syncError.cause as Error).message).toBe("disk full writing t/b");
    expect(syncError.failureCount).toBe(1);
    expect(syncError.stage).toBe("copy");
    expect(syncError.report).toMatchObject({ copied: 2, deleted: 0 });
    expect(await contents(real)).toEqual({ "t/a": "1", "t/c": "3", "t/extra": "keep me until every copy worked" });
  });

  it("a failed copy releases the source stream it opened", async () => {
    const opened: Readable[] = [];
    const source = new (class extends MapStorage {
      override async read(path: string): Promise<Readable> {
        const stream = await super.read(path);
        opened.push(stream);
        return stream;
      }
    })();
    await fill(source, { "s/a": "1" });
    await expect(syncStorages(source, "s", failingWritesTo(new MapStorage(), "t/a"), "t")).rejects.toBeInstanceOf(SyncError);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.destroyed).toBe(true);
  });

  it("a failure while comparing content changes nothing", async () => {
    const real = new MapStorage();
    await fill(real, { "s/a": "1", "s/b": "2" });
    const source = new Proxy(real, {
      get: (target, property) =>
        property === "read"
          ? async () => {
              throw new Error("read failed");
            }
          : Reflect.get(target, property, target),
    });
    const target = new MapStorage();
    await fill(target, { "t/a": "x", "t/b": "y", "t/extra": "z" });
    await expect(syncStorages(source, "s", target, "t")).rejects.toThrow(SyncError);
    expect(await contents(target)).toEqual({ "t/a": "x", "t/b": "y", "t/extra": "z" });
  });

  it("dryRun reports what the real run does and changes nothing", async () => {
    const source = new AdvancedMapStorage();
    const target = new MapStorage();
    await fill(source, SOURCE);
    await fill(target, { "mirror/extra": "x", "mirror/a.txt": "stale" });
    const dry = await logged(source, "snap", target, "mirror", { dryRun: true });
    expect(await contents(target)).toEqual({ "mirror/extra": "x", "mirror/a.txt": "stale" });
    expect(dry.dryRun).toBe(true);
    const real = await logged(source, "snap", target, "mirror");
    expect({ ...dry, dryRun: false }).toEqual(real);
  });

  it("reports progress for every file, numbered", async () => {
    const source = new AdvancedMapStorage();
    const target = new MapStorage();
    await fill(source, { "s/new": "n", "s/same": "s" });
    await fill(target, { "t/same": "s", "t/extra": "e" });
    const events: SyncProgress[] = [];
    await syncStorages(source, "s", target, "t", { onProgress: (event) => events.push(event) });
    expect(events.map((e) => [e.action, e.path, e.bytes]).sort()).toEqual([["copy", "new", 1], ["delete", "extra", 0], ["skip", "same", 1]]);
    expect(events.map((e) => e.done)).toEqual([1, 2, 3]);
  });

  it("counts the bytes copied from a source without stat", async () => {
    const source = new MapStorage();
    await fill(source, { "s/a": "12345", "s/b": "" });
    const events: SyncProgress[] = [];
    const dry = await syncStorages(source, "s", new MapStorage(), "t", { dryRun: true });
    const real = await syncStorages(source, "s", new MapStorage(), "t", { onProgress: (event) => events.push(event) });
    expect(dry.bytesCopied).toBe(0);
    expect(real.bytesCopied).toBe(5);
    expect(events.find((e) => e.path === "a")?.bytes).toBe(5);
  });

  it("uses the target's syncCopier when it offers one, and finishes it once", async () => {
    const calls: string[] = [];
    class CopyingStorage extends AdvancedMapStorage {
      syncCopier(from: SnapshotStorage) {
        if (!(from instanceof AdvancedMapStorage)) return undefined;
        return {
          copy: async (sourceKey: string, targetKey: string, stat: { mtime: Date }) => {
            calls.push(`${sourceKey}->${targetKey}`);
            await this.write(targetKey, await from.read(sourceKey), { mtime: stat.mtime });
          },
          finish: async () => void calls.push("finish"),
        };
      }
    }
    const source = new AdvancedMapStorage();
    await fill(source, { "s/a": "1", "s/b/c": "2" });
    const target = new CopyingStorage();
    expect((await syncStorages(source, "s", target, "t", { concurrency: 1 })).copied).toBe(2);
    expect(calls).toEqual(["s/a->t/a", "s/b/c->t/b/c", "finish"]);
    expect(await contents(target, "t")).toEqual({ "t/a": "1", "t/b/c": "2" });
    calls.length = 0;
    await syncStorages(source, "s", target, "t", { dryRun: true });
    expect(calls).toEqual([]);
  });

  it("finds file/folder conflicts from the target's listing, before any copy, and deletes nothing", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, { "s/x/y": "y", "s/f": "f", "s/f!": "bang", "s/ok": "ok" });
    await fill(target, { "t/x": "a file where a folder must go", "t/f!": "old", "t/f/deep": "a folder where a file must go", "t/zz": "extra" });
    const error = (await syncStorages(source, "s", target, "t").catch((caught: unknown) => caught)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.failures.map((failure) => failure.path).sort(compareKeys)).toEqual(["f", "x/y"]);
    expect(error.failures.map((failure) => (failure.error as { code?: string }).code)).toEqual(["E_CONFLICT", "E_CONFLICT"]);
    expect(await contents(target, "t")).toMatchObject({ "t/ok": "ok", "t/f!": "bang", "t/zz": "extra", "t/x": "a file where a folder must go" });
  });

  it("a listing that holds its own folder, or breaks the order, fails with SnapshotIOError instead of looping", async () => {
    class SelfListing extends MapStorage {
      override async list(prefix: string): Promise<string[]> {
        return prefix === "a" ? ["a/", "a/b"] : super.list(prefix);
      }
    }
    class Unsorted extends MapStorage {
      override async list(prefix: string): Promise<string[]> {
        return (await super.list(prefix)).reverse();
      }
    }
    const looping = new SelfListing();
    await fill(looping, { "a/b": "1" });
    await expect(recursiveList(looping, "a")).rejects.toThrow(SnapshotIOError);
    await expect(syncStorages(looping, "a", new MapStorage(), "t")).rejects.toThrow(/strictly below its folder/);
    const unsorted = new Unsorted();
    await fill(unsorted, { "a/b": "1", "a/c": "2" });
    await expect(recursiveList(unsorted, "a")).rejects.toThrow(/out of order/);
    const target = new MapStorage();
    await fill(target, { "t/extra": "kept" });
    await expect(syncStorages(unsorted, "a", target, "t")).rejects.toThrow(SnapshotIOError);
    expect(await contents(target)).toEqual({ "t/extra": "kept" });
  });

  it("deletes extras beyond what it keeps in memory from a spool file, which it removes", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, { "s/keep": "k" });
    const mtime = new Date(1_700_000_000_123);
    for (let i = 0; i < 10_050; i++) target.files.set(`t/extra-${i}`, { data: Buffer.from("x"), mtime });
    const spoolsBefore = await spoolFolders();
    const deleted: string[] = [];
    const report = await syncStorages(source, "s", target, "t", {
      concurrency: 32,
      onProgress: (event) => event.action === "delete" && deleted.push(event.path),
    });
    expect(report).toMatchObject({ copied: 1, deleted: 10_050 });
    expect(await recursiveList(target, "t")).toEqual(["t/keep"]);
    expect(deleted).toEqual([...deleted].sort(compareKeys));
    expect(await spoolFolders()).toEqual(spoolsBefore);
  });

  it("past 10,000 extras, a source renamed after the last copy costs no file it holds (issue 20, case 2)", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    const held: Record<string, string> = {};
    for (let i = 0; i < 200; i++) held[`s/f${String(i).padStart(3, "0")}`] = `content ${i}`;
    await fill(source, held);
    for (let i = 0; i < 10_050; i++) target.files.set(`t/x/extra-${i}`, { data: Buffer.from("x"), mtime: new Date() });
    let copies = 0;
    const report = await syncStorages(source, "s", target, "t", {
      maxDelete: 10_050,
      // The source "moves away" once its last file is copied: a second look would find it empty.
      onProgress: (event) => event.action === "copy" && ++copies === 200 && source.files.clear(),
    });
    expect(report).toMatchObject({ copied: 200, deleted: 10_050 });
    expect(await recursiveList(target, "t")).toHaveLength(200);
    expect(await recursiveList(target, "t/x")).toEqual([]);
  });

  it("a folder that vanishes while a basic-tier walk is in it is E_IO, and the sync deletes nothing", async () => {
    class Vanishing extends MapStorage {
      override async list(prefix: string): Promise<string[]> {
        if (prefix === "s/b") for (const key of [...this.files.keys()]) if (key.startsWith("s/b/")) this.files.delete(key);
        return super.list(prefix);
      }
    }
    const source = new Vanishing();
    await fill(source, { "s/a": "1", "s/b/c": "2", "s/d": "3" });
    await expect(recursiveList(source, "s")).rejects.toThrow(/folder 's\/b'.*vanished while it was walked/);
    await fill(source, { "s/b/c": "2" });
    const target = new MapStorage();
    await fill(target, { "t/a": "1", "t/b/c": "2", "t/d": "3", "t/extra": "4" });
    const error = await syncStorages(source, "s", target, "t").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnapshotIOError);
    expect(Object.keys(await contents(target, "t"))).toEqual(["t/a", "t/b/c", "t/d", "t/extra"]);
  });

  it("limits copies in flight to the concurrency option", async () => {
    const source = new MapStorage();
    const real = new MapStorage();
    for (let i = 0; i < 10; i++) await source.write(`s/${i}`, String(i));
    let active = 0;
    let peak = 0;
    const target = new Proxy(real, {
      get: (t, property) =>
        property === "write"
          ? async (key: string, content: WriteContent) => {
              peak = Math.max(peak, ++active);
              await new Promise((resolve) => setImmediate(resolve));
              await t.write(key, content);
              active--;
            }
          : Reflect.get(t, property, t),
    });
    await syncStorages(source, "s", target, "t", { concurrency: 3 });
    expect(peak).toBe(3);
    expect(Object.keys(await contents(real))).toHaveLength(10);
  });

  it("compares up to `checkers` files at once where a stat is needed (default: twice concurrency), and copies at most `concurrency`", async () => {
    /** A target whose listing has stand-in times (as S3's), with slow stats and writes that count how many run at once. */
    class SlowStandIns extends AdvancedMapStorage {
      readonly peak = { stats: 0, writes: 0 };
      #stats = 0;
      #writes = 0;
      override async *streamList(prefix: string): AsyncGenerator<FileStat> {
        for (const key of await this.recursiveList(prefix)) {
          const data = this.files.get(key)?.data;
          if (data !== undefined) yield { path: key, size: data.byteLength, mtime: new Date(0), needsStat: true };
        }
      }
      override async stat(path: string): Promise<FileStat> {
        this.peak.stats = Math.max(this.peak.stats, ++this.#stats);
        await new Promise((resolve) => setTimeout(resolve, 2));
        this.#stats--;
        return super.stat(path);
      }
      override async write(path: string, content: WriteContent, options?: WriteOptions): Promise<void> {
        this.peak.writes = Math.max(this.peak.writes, ++this.#writes);
        await new Promise((resolve) => setTimeout(resolve, 2));
        this.#writes--;
        return super.write(path, content, options);
      }
    }
    const source = new AdvancedMapStorage();
    const mtime = new Date("2024-01-01T00:00:00Z");
    for (let i = 0; i < 40; i++) await source.write(`s/${String(i).padStart(2, "0")}`, "same size", { mtime });
    for (const [options, checkers, concurrency] of [
      [{ concurrency: 2 }, 4, 2],
      [{ concurrency: 2, checkers: 7 }, 7, 2],
      [{ checkers: 16 }, 16, 8],
      [{}, 16, 8],
    ] as const) {
      // Same size and time, listed with stand-ins: each file is stat'ed, found equal and skipped.
      const equal = new SlowStandIns();
      for (let i = 0; i < 40; i++) await equal.write(`t/${String(i).padStart(2, "0")}`, "same SIZE", { mtime });
      equal.peak.stats = 0;
      expect(await syncStorages(source, "s", equal, "t", options)).toMatchObject({ copied: 0, skipped: 40 });
      expect(equal.peak.stats).toBe(checkers);
      // Another time: each is stat'ed, then copied, never more at once than `concurrency`.
      const older = new SlowStandIns();
      for (let i = 0; i < 40; i++) await older.write(`t/${String(i).padStart(2, "0")}`, "same SIZE", { mtime: new Date(0) });
      older.peak.stats = older.peak.writes = 0;
      expect(await syncStorages(source, "s", older, "t", options)).toMatchObject({ copied: 40 });
      expect(older.peak.writes).toBe(concurrency);
      expect(older.peak.stats).toBeLessThanOrEqual(checkers);
      expect((await collectBytes(await older.read("t/39"))).toString()).toBe("same size");
    }
    await expect(syncStorages(source, "s", new AdvancedMapStorage(), "t", { checkers: 0 })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
  });
});

describe("recursiveList", () => {
  it("walks a basic storage with list, sorted", async () => {
    const storage = new MapStorage();
    await fill(storage, { "a/b/c": "1", "a/d": "2", "ab": "3", "a/b/\u{1F389}": "4", "a/b/\uFF61": "5" });
    expect(await recursiveList(storage, "a")).toEqual(["a/b/c", "a/b/\uFF61", "a/b/\u{1F389}", "a/d"]);
    expect(await recursiveList(storage, "")).toHaveLength(5);
  });
});

describe("syncStorages over storages that answer from memory", () => {
  it("gives timers a turn while it runs, so a progress display or a deadline can fire", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    const mtime = new Date(0);
    for (let i = 0; i < 20_000; i++) {
      const file = { data: Buffer.from("x"), mtime };
      source.files.set(`s/${String(i).padStart(6, "0")}`, file);
      target.files.set(`t/${String(i).padStart(6, "0")}`, file);
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      expect((await syncStorages(source, "s", target, "t")).skipped).toBe(20_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("syncStorages with an AbortSignal", () => {
  it("an aborted sync starts nothing more, lets copies in flight finish whole, deletes nothing, and rejects with AbortError", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    for (let i = 0; i < 50; i++) await source.write(`s/${String(i).padStart(2, "0")}`, `file ${i}`);
    await target.write("t/zz-extra", "kept: nothing is deleted after an abort");
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    let copied = 0;
    const error = await syncStorages(source, "s", target, "t", {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.action === "copy" && ++copied === 5) controller.abort(reason);
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: "E_ABORTED", cause: reason });
    const written = (await recursiveList(target, "t")).filter((key) => key !== "t/zz-extra");
    // The abort came at the fifth copy: at most the copies then in flight finished after it.
    expect(written.length).toBeGreaterThanOrEqual(5);
    expect(written.length).toBeLessThanOrEqual(5 + 2);
    for (const key of written) expect((await collectBytes(await target.read(key))).toString()).toBe(`file ${Number(key.slice(2))}`);
    expect(await target.exists("t/zz-extra")).toBe(true);
  });

  it("an already aborted signal changes nothing", async () => {
    const source = new AdvancedMapStorage();
    await source.write("s/a", "1");
    const target = new AdvancedMapStorage();
    await target.write("t/extra", "x");
    await expect(syncStorages(source, "s", target, "t", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(await recursiveList(target, "t")).toEqual(["t/extra"]);
  });
});
