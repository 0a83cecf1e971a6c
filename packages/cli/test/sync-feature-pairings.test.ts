import {
  SyncError,
  checkStorages,
  collectBytes,
  isStowageError,
  syncStorages,
  type AdvancedSnapshotStorage,
  type SyncFilterRule,
} from "@stowage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibraryBackends, type BackendKind } from "./helpers/library-backends.js";

/**
 * Issue 16's sync features (filters, maxDelete, checkStorages, backupDir) between different
 * backends, through the library: each same-backend pairing runs them in the conformance suite;
 * these are the cross-backend ones, each with its backup folder on a third kind of backend.
 */
describe("sync features on cross-backend pairings", () => {
  const backends = new LibraryBackends();
  beforeAll(() => backends.start());
  afterAll(() => backends.stop());

  const triples: Array<[BackendKind, BackendKind, BackendKind]> = [
    ["local", "s3", "redis"],
    ["memory", "redis", "local"],
    ["s3", "local", "s3"],
    ["redis", "memory", "redis"],
  ];
  const OLD = new Date(Date.UTC(2023, 3, 4, 5, 6, 7, 890));
  const exclude = (pattern: string): SyncFilterRule => ({ action: "exclude", pattern });

  async function fill(storage: AdvancedSnapshotStorage, files: Record<string, string>, mtime?: Date): Promise<void> {
    for (const [key, content] of Object.entries(files)) await storage.write(key, content, mtime === undefined ? {} : { mtime });
  }
  async function contents(storage: AdvancedSnapshotStorage, prefix: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const key of await storage.recursiveList(prefix)) files[key] = (await collectBytes(await storage.read(key))).toString();
    return files;
  }
  /** A fresh storage of each kind, in order. */
  function open<K extends readonly BackendKind[]>(...kinds: K): Promise<{ [I in keyof K]: AdvancedSnapshotStorage }> {
    return Promise.all(kinds.map((kind) => backends.open(kind))) as Promise<{ [I in keyof K]: AdvancedSnapshotStorage }>;
  }

  it.each(triples)("filters: %s → %s leaves excluded files alone on both sides", async (from, to) => {
    const [source, target] = await open(from, to);
    await fill(source, { "src/a.txt": "a", "src/b.tmp": "b", "src/node_modules/p/i.js": "i", "src/sub/c.txt": "c" });
    await fill(target, { "dst/old.tmp": "o", "dst/node_modules/keep.js": "k", "dst/extra": "x" });
    const report = await syncStorages(source, "src", target, "dst", { filter: [exclude("*.tmp"), exclude("node_modules/")] });
    expect(report).toMatchObject({ copied: 2, deleted: 1 });
    expect(report.excluded).toBeGreaterThanOrEqual(2);
    expect(await contents(target, "dst")).toEqual({ "dst/a.txt": "a", "dst/node_modules/keep.js": "k", "dst/old.tmp": "o", "dst/sub/c.txt": "c" });
  });

  it.each(triples)("maxDelete: %s → %s copies, deletes none over the limit, then all within it", async (from, to) => {
    const [source, target] = await open(from, to);
    await fill(source, { "src/new": "n" });
    await fill(target, { "dst/x1": "1", "dst/x2": "2", "dst/sub/x3": "3" });
    const error = await syncStorages(source, "src", target, "dst", { maxDelete: 2 }).catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_SYNC")).toBe(true);
    expect(error).toMatchObject({ stage: "max-delete", deleteCount: 3, report: { copied: 1, deleted: 0 } });
    expect(Object.keys(await contents(target, "dst"))).toEqual(["dst/new", "dst/sub/x3", "dst/x1", "dst/x2"]);
    await expect(syncStorages(source, "src", target, "dst", { maxDelete: 3 })).resolves.toMatchObject({ deleted: 3 });
  });

  it.each(triples)("check: %s → %s agrees with what sync does, before and after", async (from, to) => {
    const [source, target] = await open(from, to);
    await fill(source, { "src/a": "alpha", "src/b": "bravo", "src/d/c": "charlie" });
    await fill(target, { "dst/b": "BRAVO!", "dst/z": "only in b" });
    const before = await checkStorages(source, "src", target, "dst");
    expect(before).toMatchObject({ matched: 0, onlyInA: 2, onlyInB: 1, differing: 1 });
    const dry = await syncStorages(source, "src", target, "dst", { dryRun: true });
    expect(dry).toMatchObject({ copied: before.onlyInA + before.differing, deleted: before.onlyInB });
    await syncStorages(source, "src", target, "dst");
    expect(await checkStorages(source, "src", target, "dst")).toMatchObject({ matched: 3, onlyInA: 0, onlyInB: 0, differing: 0 });
    expect(await checkStorages(source, "src", target, "dst", { compare: "checksum" })).toMatchObject({ matched: 3 });
  });

  it.each(triples)("backupDir: %s → %s keeps old versions in %s, with their times", async (from, to, kept) => {
    const [source, target, backup] = await open(from, to, kept);
    await fill(source, { "src/a.txt": "new a", "src/same": "s" }, OLD);
    await fill(target, { "dst/a.txt": "old", "dst/same": "s", "dst/sub/gone": "old gone" }, OLD);
    const report = await syncStorages(source, "src", target, "dst", { backupDir: { storage: backup, prefix: "old/1", suffix: ".bak" } });
    expect(report).toMatchObject({ copied: 1, skipped: 1, deleted: 1, backedUp: 2 });
    expect(await contents(target, "dst")).toEqual({ "dst/a.txt": "new a", "dst/same": "s" });
    expect(await contents(backup, "old")).toEqual({ "old/1/a.txt.bak": "old", "old/1/sub/gone.bak": "old gone" });
    expect((await backup.stat("old/1/a.txt.bak")).mtime.getTime()).toBe(OLD.getTime());
    // A backup that fails (a suffix that makes the name longer than 255 bytes) leaves the target file as it was.
    await fill(source, { "src/a.txt": "newer a" }, new Date(OLD.getTime() + 1000));
    const error = await syncStorages(source, "src", target, "dst", { backupDir: { storage: backup, suffix: "x".repeat(251) } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).failures.map((failure) => [failure.path, failure.step, isStowageError(failure.error, "E_INVALID_PATH")])).toEqual([
      ["a.txt", "backup", true],
    ]);
    expect(await contents(target, "dst")).toEqual({ "dst/a.txt": "new a", "dst/same": "s" });
  });
});
