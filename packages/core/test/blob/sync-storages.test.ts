import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  InvalidPathError,
  SyncError,
  collectBytes,
  hashFile,
  listRecursive,
  syncStorages,
  type SnapshotStorage,
  type SyncProgress,
  type WriteContent,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

async function fill(storage: SnapshotStorage, files: Record<string, string>): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content);
}

async function contents(storage: SnapshotStorage, prefix = ""): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of await listRecursive(storage, prefix)) result[key] = (await collectBytes(await storage.read(key))).toString();
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

    const first = await syncStorages(source, "snap", target, "mirror");
    expect(first).toEqual({ copied: ["a.txt", "sub/b.txt", "sub/deep/c"], skipped: [], deleted: ["extra"], bytesCopied: 10, dryRun: false });
    expect(await contents(target)).toEqual({ "mirror-neighbour/keep": "k", "mirror/a.txt": "alpha", "mirror/sub/b.txt": "bravo", "mirror/sub/deep/c": "" });

    const second = await syncStorages(source, "snap", target, "mirror");
    expect(second.copied).toEqual([]);
    expect(second.skipped).toEqual(["a.txt", "sub/b.txt", "sub/deep/c"]);

    await source.write("snap/a.txt", "ALPHA");
    expect((await syncStorages(source, "snap", target, "mirror", { compare: "checksum" })).copied).toEqual(["a.txt"]);
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
    expect((await syncStorages(source, "snap", target, "mirror")).copied).toHaveLength(3);
    const second = await syncStorages(source, "snap", target, "mirror");
    expect(second.copied).toEqual([]);
    expect(second.skipped).toEqual(["a.txt", "sub/b.txt", "sub/deep/c"]);
  });

  it("across kinds of backend, a target time truncated to whole seconds still counts as up to date", async () => {
    /** Keeps whole seconds, as S3's LastModified does. */
    class SecondsStorage extends AdvancedMapStorage {
      override async stat(path: string) {
        const stat = await super.stat(path);
        return { ...stat, mtime: new Date(Math.floor(stat.mtime.getTime() / 1000) * 1000) };
      }
    }
    const source = new AdvancedMapStorage();
    const target = new SecondsStorage();
    await fill(source, SOURCE);
    await syncStorages(source, "snap", target, "mirror");
    expect((await syncStorages(source, "snap", target, "mirror")).copied).toEqual([]);
  });

  it("calls onPlan once with the planned report before copying", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, SOURCE);
    const events: string[] = [];
    const report = await syncStorages(source, "snap", target, "mirror", {
      concurrency: 1,
      onPlan: (plan) => events.push(`plan ${plan.copied.length} ${plan.bytesCopied}`),
      onProgress: (event) => events.push(`${event.action} ${event.path}`),
    });
    expect(events).toEqual(["plan 3 10", "copy a.txt", "copy sub/b.txt", "copy sub/deep/c"]);
    expect(report.bytesCopied).toBe(10);
  });

  it("without stat on either side, a same-size change is found by hashing both files", async () => {
    const source = new MapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, { "s/f": "same size A" });
    await syncStorages(source, "s", target, "t");
    await source.write("s/f", "same size B");
    expect((await syncStorages(source, "s", target, "t")).copied).toEqual(["f"]);
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
    expect((await syncStorages(one, "a", other, "a")).copied).toEqual(["b/c"]);
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
    expect(syncError.report.copied).toEqual(["a", "c"]);
    expect(syncError.report.deleted).toEqual([]);
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
    await expect(syncStorages(source, "s", target, "t")).rejects.toThrow("read failed");
    expect(await contents(target)).toEqual({ "t/a": "x", "t/b": "y", "t/extra": "z" });
  });

  it("dryRun reports what the real run does and changes nothing", async () => {
    const source = new AdvancedMapStorage();
    const target = new MapStorage();
    await fill(source, SOURCE);
    await fill(target, { "mirror/extra": "x", "mirror/a.txt": "stale" });
    const dry = await syncStorages(source, "snap", target, "mirror", { dryRun: true });
    expect(await contents(target)).toEqual({ "mirror/extra": "x", "mirror/a.txt": "stale" });
    expect(dry.dryRun).toBe(true);
    const real = await syncStorages(source, "snap", target, "mirror");
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
    expect(events.map((e) => `${e.done}/${e.total}`)).toEqual(["1/3", "2/3", "3/3"]);
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

  it("uses a backend's own copy and listing hooks within one storage", async () => {
    const storage = new AdvancedMapStorage();
    await fill(storage, { "s/a": "1" });
    const copies: string[] = [];
    const listed: string[] = [];
    await syncStorages(storage, "s", storage, "t", {}, {
      copy: async (from, to) => {
        copies.push(`${from}->${to}`);
        await storage.write(to, await storage.read(from));
      },
      listStats: async (prefix) => {
        listed.push(prefix);
        return Promise.all((await storage.recursiveList(prefix)).map((key) => storage.stat(key)));
      },
    });
    expect(copies).toEqual(["s/a->t/a"]);
    expect(listed.sort()).toEqual(["s", "t"]);
    expect(await contents(storage, "t")).toEqual({ "t/a": "1" });
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
});

describe("listRecursive", () => {
  it("walks a basic storage with list, sorted", async () => {
    const storage = new MapStorage();
    await fill(storage, { "a/b/c": "1", "a/d": "2", "ab": "3", "a/b/\u{1F389}": "4", "a/b/\uFF61": "5" });
    expect(await listRecursive(storage, "a")).toEqual(["a/b/c", "a/b/\uFF61", "a/b/\u{1F389}", "a/d"]);
    expect(await listRecursive(storage, "")).toHaveLength(5);
  });
});
