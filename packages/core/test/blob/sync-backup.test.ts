import { describe, expect, it } from "vitest";
import {
  InvalidOptionsError,
  InvalidPathError,
  SyncError,
  backupKey,
  collectBytes,
  recursiveList,
  syncStorages,
  type FileStat,
  type SnapshotStorage,
  type SyncOptions,
  type SyncProgress,
  type WriteContent,
  type WriteOptions,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

const OLD = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

async function fill(storage: SnapshotStorage, files: Record<string, string>, mtime?: Date): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content, mtime === undefined ? {} : { mtime });
}

async function contents(storage: SnapshotStorage, prefix = ""): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of await recursiveList(storage, prefix)) result[key] = (await collectBytes(await storage.read(key))).toString();
  return result;
}

/** A storage's operations, in order, as `op key` lines; shared by every storage that records into it. */
type Journal = string[];

/** An advanced map storage that writes `op key` into `journal` when each write, move or delete has finished. */
class RecordingStorage extends AdvancedMapStorage {
  constructor(
    readonly name: string,
    readonly journal: Journal,
  ) {
    super();
  }
  override async write(path: string, content: WriteContent, options?: WriteOptions): Promise<void> {
    await super.write(path, content, options);
    this.journal.push(`${this.name} write ${path}`);
  }
  override async delete(path: string): Promise<void> {
    await super.delete(path);
    this.journal.push(`${this.name} delete ${path}`);
  }
  override async atomicMove(src: string, dst: string): Promise<void> {
    await super.atomicMove(src, dst);
    this.journal.push(`${this.name} move ${src} ${dst}`);
  }
}

/** The storage, except that writing one key fails (a full disk, a refused upload): a fault on demand. */
function failingWritesTo<S extends SnapshotStorage>(storage: S, failingKey: string): S {
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "write") {
        return async (key: string, content: WriteContent, options?: WriteOptions) => {
          if (key === failingKey) throw new Error(`disk full writing ${key}`);
          return target.write(key, content, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Advanced source, target and backup storages; the target's files carry the time {@link OLD}. */
async function storages(sourceFiles: Record<string, string>, targetFiles: Record<string, string>) {
  const [source, target, backup] = [new AdvancedMapStorage(), new AdvancedMapStorage(), new AdvancedMapStorage()];
  await fill(source, sourceFiles);
  await fill(target, targetFiles, OLD);
  return { source, target, backup };
}

function sync(source: SnapshotStorage, target: SnapshotStorage, options: SyncOptions): Promise<{ events: SyncProgress[]; report: Awaited<ReturnType<typeof syncStorages>> }> {
  const events: SyncProgress[] = [];
  return syncStorages(source, "src", target, "dst", { ...options, onProgress: (event) => events.push(event) }).then((report) => ({ events, report }));
}

describe("backupKey (rclone's --suffix and --suffix-keep-extension)", () => {
  it.each([
    [{}, "a/b.txt", "a/b.txt"],
    [{ prefix: "old/" }, "a/b.txt", "old/a/b.txt"],
    [{ prefix: "old", suffix: "-1" }, "a/b.txt", "old/a/b.txt-1"],
    [{ suffix: "-1", suffixKeepExtension: true }, "a/b.txt", "a/b-1.txt"],
    [{ suffix: "-1", suffixKeepExtension: true }, "a/b.tar.gz", "a/b.tar-1.gz"],
    [{ suffix: "-1", suffixKeepExtension: true }, "a.d/README", "a.d/README-1"],
    [{ suffix: "-1", suffixKeepExtension: true }, "x/.env", "x/.env-1"],
  ])("%o: %s is kept as %s", (dir, path, expected) => {
    expect(backupKey(dir, path)).toBe(expected);
  });
});

describe("syncStorages with backupDir", () => {
  it("saves every overwritten or deleted target file under its relative key, with its mtime, and counts it", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    const backup = new MapStorage();
    await fill(source, { "src/same": "s", "src/changed.txt": "NEW", "src/sub/new": "n" });
    await fill(target, { "dst/same": "s", "dst/changed.txt": "old", "dst/sub/gone": "g", "dst/deep/er/gone2": "g2" }, OLD);
    await source.write("src/same", "s", { mtime: OLD });

    const { report, events } = await sync(source, target, { backupDir: { storage: backup, prefix: "bak", suffix: ".1" } });
    expect(report).toMatchObject({ copied: 2, skipped: 1, deleted: 2, backedUp: 3 });
    expect(await contents(target)).toEqual({ "dst/changed.txt": "NEW", "dst/same": "s", "dst/sub/new": "n" });
    expect(await contents(backup)).toEqual({ "bak/changed.txt.1": "old", "bak/deep/er/gone2.1": "g2", "bak/sub/gone.1": "g" });
    expect(backup.files.get("bak/changed.txt.1")?.mtime.getTime()).toBe(OLD.getTime());
    // Each backup event comes before the copy or delete of its file, and carries the old size.
    const order = events.map((event) => `${event.action} ${event.path}`);
    for (const [path, action] of [["changed.txt", "copy"], ["sub/gone", "delete"], ["deep/er/gone2", "delete"]]) {
      expect(order.indexOf(`backup ${path}`)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(`backup ${path}`)).toBeLessThan(order.indexOf(`${action} ${path}`));
    }
    expect(events.find((event) => event.action === "backup" && event.path === "changed.txt")?.bytes).toBe(3);
    expect(events.map((event) => event.done)).toEqual(events.map((_, index) => index + 1));
  });

  it("the old version is whole in the backup before the target file changes", async () => {
    const journal: Journal = [];
    const source = new AdvancedMapStorage();
    const target = new RecordingStorage("target", journal);
    const backup = new RecordingStorage("backup", journal);
    await fill(source, { "src/a": "new a" });
    await fill(target, { "dst/a": "old a", "dst/b": "old b" }, OLD);
    journal.length = 0;
    await syncStorages(source, "src", target, "dst", { backupDir: { storage: backup } });
    expect(journal.indexOf("backup write a")).toBeLessThan(journal.indexOf("target write dst/a"));
    expect(journal.indexOf("backup write b")).toBeLessThan(journal.indexOf("target delete dst/b"));
    expect(journal).toHaveLength(4);
  });

  it("within one advanced storage, a deleted file is moved to the backup folder and an overwritten one copied", async () => {
    const journal: Journal = [];
    const storage = new RecordingStorage("store", journal);
    await fill(storage, { "src/a": "new a", "dst/a": "old a", "dst/b": "old b" }, OLD);
    await storage.write("src/a", "new a");
    journal.length = 0;
    const report = await syncStorages(storage, "src", storage, "dst", { backupDir: { storage, prefix: "bak" } });
    expect(report).toMatchObject({ copied: 1, deleted: 1, backedUp: 2 });
    expect(journal).toEqual(["store write bak/a", "store write dst/a", "store move dst/b bak/b"]);
    expect(await contents(storage, "bak")).toEqual({ "bak/a": "old a", "bak/b": "old b" });
  });

  it("uses the backup storage's syncCopier for the target where it offers one, and finishes it once", async () => {
    const copies: string[] = [];
    let finished = 0;
    const backup = new (class extends AdvancedMapStorage {
      syncCopier(from: SnapshotStorage) {
        return {
          copy: async (sourceKey: string, targetKey: string, stat: FileStat) => {
            copies.push(`${sourceKey}->${targetKey}@${stat.mtime.getTime()}`);
            await this.write(targetKey, await from.read(sourceKey), { mtime: stat.mtime });
          },
          finish: async () => {
            finished++;
          },
        };
      }
    })();
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await fill(source, { "src/a": "new" });
    await fill(target, { "dst/a": "old", "dst/b": "b" }, OLD);
    await syncStorages(source, "src", target, "dst", { backupDir: { storage: backup, suffix: "~" } });
    expect(copies.sort()).toEqual([`dst/a->a~@${OLD.getTime()}`, `dst/b->b~@${OLD.getTime()}`]);
    expect(finished).toBe(1);
    expect(await contents(backup)).toEqual({ "a~": "old", "b~": "b" });
  });

  it("a dry run saves nothing and counts what it would save, as the real run then does", async () => {
    const { source, target, backup } = await storages({ "src/a": "new" }, { "dst/a": "old", "dst/b": "b" });
    const dry = await sync(source, target, { dryRun: true, backupDir: { storage: backup } });
    expect(dry.report).toMatchObject({ copied: 1, deleted: 1, backedUp: 2, dryRun: true });
    expect(dry.events.filter((event) => event.action === "backup").map((event) => event.path).sort()).toEqual(["a", "b"]);
    expect(backup.files.size).toBe(0);
    expect(await contents(target)).toEqual({ "dst/a": "old", "dst/b": "b" });
    const real = await sync(source, target, { backupDir: { storage: backup } });
    expect({ ...dry.report, dryRun: false }).toEqual(real.report);
  });

  it("a failed backup fails that file: the target keeps its old version, nothing is deleted", async () => {
    const { source, target, backup: realBackup } = await storages({ "src/a": "new a", "src/b": "new b" }, { "dst/a": "old a", "dst/b": "old b", "dst/extra": "x" });
    const error = await syncStorages(source, "src", target, "dst", { backupDir: { storage: failingWritesTo(realBackup, "a") } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    const syncError = error as SyncError;
    expect(syncError.stage).toBe("copy");
    expect(syncError.failures).toEqual([{ path: "a", error: expect.any(Error), step: "backup" }]);
    expect(syncError.message).toMatch(/first 'a' \(backing up its old version\): disk full writing a/);
    expect(syncError.report).toMatchObject({ copied: 1, deleted: 0, backedUp: 1 });
    expect(await contents(target)).toEqual({ "dst/a": "old a", "dst/b": "new b", "dst/extra": "x" });
    expect(await contents(realBackup)).toEqual({ b: "old b" });
  });

  it("a failed backup before a delete keeps that file on the target (stage delete)", async () => {
    const { source, target, backup: realBackup } = await storages({ "src/a": "a" }, { "dst/x": "x", "dst/y": "y" });
    const error = (await syncStorages(source, "src", target, "dst", { backupDir: { storage: failingWritesTo(realBackup, "x") } }).catch(
      (caught: unknown) => caught,
    )) as SyncError;
    expect(error.stage).toBe("delete");
    expect(error.failures.map((failure) => [failure.path, failure.step])).toEqual([["x", "backup"]]);
    expect(await contents(target)).toEqual({ "dst/a": "a", "dst/x": "x" });
    expect(await contents(realBackup)).toEqual({ y: "y" });
  });

  it("a copy that fails after its backup leaves the target's old file, and the backup holds it too", async () => {
    const { source, target: realTarget, backup } = await storages({ "src/a": "new a" }, { "dst/a": "old a" });
    await expect(syncStorages(source, "src", failingWritesTo(realTarget, "dst/a"), "dst", { backupDir: { storage: backup } })).rejects.toThrow(SyncError);
    expect(await contents(realTarget)).toEqual({ "dst/a": "old a" });
    expect(await contents(backup)).toEqual({ a: "old a" });
  });

  it("a backup key that breaks the key rules fails that file before any I/O, even through a native copier", async () => {
    const { source, target, backup } = await storages({ "src/a.txt": "new", "src/b": "new b" }, { "dst/a.txt": "old", "dst/b": "old b" });
    const copies: string[] = [];
    const copying = Object.assign(backup, {
      syncCopier: () => ({ copy: async (_: string, key: string) => void copies.push(key), finish: async () => undefined }),
    });
    const error = (await syncStorages(source, "src", target, "dst", { backupDir: { storage: copying, suffix: "x".repeat(252) } }).catch(
      (caught: unknown) => caught,
    )) as SyncError;
    expect(error.failures.map((failure) => [failure.path, failure.step, failure.error instanceof InvalidPathError]).sort()).toEqual([
      ["a.txt", "backup", true],
    ]);
    expect(copies).toEqual([`b${"x".repeat(252)}`]);
    expect(await contents(target)).toEqual({ "dst/a.txt": "old", "dst/b": "new b" });
  });

  it("between basic-tier storages, old versions are streamed to the backup", async () => {
    const source = new MapStorage();
    const target = new MapStorage();
    const backup = new MapStorage();
    await fill(source, { "src/a": "new a!" });
    await fill(target, { "dst/a": "old a", "dst/b": "b" });
    const { report, events } = await sync(source, target, { backupDir: { storage: backup, prefix: "k" } });
    expect(report).toMatchObject({ copied: 1, deleted: 1, backedUp: 2 });
    expect(await contents(backup)).toEqual({ "k/a": "old a", "k/b": "b" });
    expect(events.find((event) => event.action === "backup" && event.path === "a")?.bytes).toBe(5);
  });

  it("a target file deleted since it was listed has nothing to back up, and the copy goes ahead", async () => {
    const source = new AdvancedMapStorage();
    const target = new (class extends AdvancedMapStorage {
      vanish = true;
      override async *streamList(prefix: string): AsyncGenerator<FileStat> {
        for await (const entry of super.streamList(prefix)) {
          yield entry;
          if (this.vanish) this.files.delete(entry.path);
        }
      }
    })();
    const backup = new AdvancedMapStorage();
    await fill(source, { "src/a": "new" });
    await fill(target, { "dst/a": "old" }, OLD);
    const report = await syncStorages(source, "src", target, "dst", { backupDir: { storage: backup } });
    target.vanish = false;
    expect(report).toMatchObject({ copied: 1, backedUp: 0 });
    expect(await contents(target)).toEqual({ "dst/a": "new" });
    expect(backup.files.size).toBe(0);
  });

  it("rejects a backup folder overlapping the target or source folder of the same storage, before any I/O", async () => {
    const storage = new AdvancedMapStorage();
    const other = new AdvancedMapStorage();
    await fill(storage, { "src/a": "a", "dst/a": "old" }, OLD);
    const before = await contents(storage);
    for (const prefix of ["dst", "dst/old", "", "src/bak", "src"]) {
      const error = await syncStorages(storage, "src", storage, "dst", { backupDir: { storage, prefix } }).catch((caught: unknown) => caught);
      expect(error, prefix).toBeInstanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).code).toBe("E_INVALID_OPTIONS");
    }
    const fromOther = await syncStorages(other, "src", storage, "dst", { backupDir: { storage: other, prefix: "src/old" } }).catch((caught: unknown) => caught);
    expect(fromOther).toBeInstanceOf(InvalidOptionsError);
    expect(await contents(storage)).toEqual(before);
    // The same folder names in another storage object do not overlap.
    await expect(syncStorages(storage, "src", storage, "dst", { backupDir: { storage: other, prefix: "dst" } })).resolves.toMatchObject({ backedUp: 1 });
    expect(await contents(other)).toEqual({ "dst/a": "old" });
  });

  it("rejects a bad suffix, prefix or storage before any I/O", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await fill(target, { "dst/a": "old" });
    const bad: Array<[SyncOptions["backupDir"], typeof InvalidOptionsError | typeof InvalidPathError]> = [
      [{ storage: new MapStorage(), suffix: "/x" }, InvalidOptionsError],
      [{ storage: new MapStorage(), suffix: "\u0000" }, InvalidOptionsError],
      [{ storage: new MapStorage(), suffix: 7 as unknown as string }, InvalidOptionsError],
      [{ storage: {} as SnapshotStorage }, InvalidOptionsError],
      [{ storage: new MapStorage(), prefix: "../up" }, InvalidPathError],
    ];
    for (const [backupDir, type] of bad) {
      await expect(syncStorages(source, "src", target, "dst", { backupDir })).rejects.toBeInstanceOf(type);
    }
    expect(await contents(target)).toEqual({ "dst/a": "old" });
  });
});
