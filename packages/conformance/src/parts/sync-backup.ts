import assert from "node:assert/strict";
import {
  InvalidOptionsError,
  SyncError,
  isAdvancedSnapshotStorage,
  syncStorages,
  type SnapshotStorage,
  type SyncOptions,
} from "@stowage/core";
import { assertContent } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import { failingWritesTo, watchedStorage } from "../faults.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { logSync, type LoggedSync } from "../sync-log.js";
import { assertSameTime } from "./mtime.js";

/** The time of the target's old versions: in the past, with a millisecond part. */
const OLD = new Date(Date.UTC(2022, 1, 3, 4, 5, 6, 789));

/**
 * A sync from `src` to `dst` with the paths of its events collected ({@link logSync}): the
 * storage's own `sync` when source and target are one advanced storage (unless `viaCore`, for a
 * storage wrapped by {@link watchedStorage}, whose own `sync` would bypass the wrapper), else
 * `syncStorages`.
 */
function sync(source: SnapshotStorage, target: SnapshotStorage, options: SyncOptions, viaCore = false): Promise<LoggedSync> {
  return logSync((onProgress) => {
    const all = { ...options, onProgress };
    if (!viaCore && source === target && isAdvancedSnapshotStorage(target)) return target.sync("src", "dst", all);
    return syncStorages(source, "src", target, "dst", all);
  });
}

/** Gives `src` a changed `a.txt` and an unchanged `same`, and `dst` old versions plus an extra file. */
async function prepare(source: SnapshotStorage, target: SnapshotStorage): Promise<void> {
  await writeAll(source, { "src/a.txt": "new a", "src/same": "s" });
  await syncStorages(source, "src", target, "dst");
  await target.write("dst/a.txt", "old", { mtime: OLD });
  await target.write("dst/gone/x", "old x", { mtime: OLD });
}

/** Only `dst/gone/x` is deleted and `dst/a.txt` overwritten: the files of {@link prepare}'s sync. */
function assertBackedUp(result: LoggedSync): void {
  assert.deepEqual(result.paths.backup, ["a.txt", "gone/x"]);
  assert.deepEqual(result.paths.copy, ["a.txt"]);
  assert.deepEqual(result.paths.delete, ["gone/x"]);
  assert.deepEqual(result.paths.skip, ["same"]);
}

/**
 * `syncStorages`' and `sync`'s `backupDir` (rclone's `--backup-dir` and `--suffix`): the old version
 * of every overwritten or deleted target file is saved first, within the storage (moves) and
 * between two storages of the backend (native or streamed copies).
 */
export function syncBackupTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("sync with a backup folder (backupDir)", () => {
    t.test("within one storage, overwritten and deleted files are saved first, under their relative keys, with their mtimes", async (storage) => {
      await prepare(storage, storage);
      await writeAll(storage, { "bak-neighbour/keep": "n" });
      const result = await sync(storage, storage, { backupDir: { storage, prefix: "bak", suffix: ".old" } });
      assertBackedUp(result);
      assert.equal(result.backedUp, 2);
      assert.deepEqual(await allKeys(storage, t.settings), [
        "bak-neighbour/keep",
        "bak/a.txt.old",
        "bak/gone/x.old",
        "dst/a.txt",
        "dst/same",
        "src/a.txt",
        "src/same",
      ]);
      await assertContent(storage, "bak/a.txt.old", "old");
      await assertContent(storage, "bak/gone/x.old", "old x");
      await assertContent(storage, "dst/a.txt", "new a");
      if (isAdvancedSnapshotStorage(storage)) {
        assertSameTime(await storage.stat("bak/a.txt.old"), OLD, "a backed-up copy");
        assertSameTime(await storage.stat("bak/gone/x.old"), OLD, "a backed-up (moved) file");
      }
    });

    t.test("between storages of the backend, old versions go to a third storage's folder", async (source, open) => {
      const [target, backup] = [await open(), await open()];
      await prepare(source, target);
      const result = await sync(source, target, { backupDir: { storage: backup, prefix: "old/run-1" } });
      assertBackedUp(result);
      assert.deepEqual(await allKeys(backup, t.settings), ["old/run-1/a.txt", "old/run-1/gone/x"]);
      await assertContent(backup, "old/run-1/a.txt", "old");
      await assertContent(backup, "old/run-1/gone/x", "old x");
      assert.deepEqual(await allKeys(target, t.settings), ["dst/a.txt", "dst/same"]);
      if (isAdvancedSnapshotStorage(backup)) assertSameTime(await backup.stat("old/run-1/a.txt"), OLD, "a backed-up copy");
    });

    t.test("suffixes: each run's suffix keeps its old version, the same suffix replaces, suffixKeepExtension goes before the extension", async (storage) => {
      await storage.write("src/a.txt", "v1", { mtime: OLD });
      await sync(storage, storage, {});
      // Same sizes: distinct times (a second apart) make each version a change.
      const at = (second: number) => ({ mtime: new Date(OLD.getTime() + second * 1000) });
      for (const [second, version, suffix] of [[2, "v2", "-1"], [3, "v3", "-2"], [4, "v4", "-2"]] as const) {
        await storage.write("src/a.txt", version, at(second));
        await sync(storage, storage, { backupDir: { storage, prefix: "bak", suffix } });
      }
      await storage.write("src/a.txt", "v5", at(5));
      await sync(storage, storage, { backupDir: { storage, prefix: "bak", suffix: "-3", suffixKeepExtension: true } });
      assert.deepEqual(await allKeys(storage, t.settings), ["bak/a-3.txt", "bak/a.txt-1", "bak/a.txt-2", "dst/a.txt", "src/a.txt"]);
      await assertContent(storage, "bak/a.txt-1", "v1");
      await assertContent(storage, "bak/a.txt-2", "v3");
      await assertContent(storage, "bak/a-3.txt", "v4");
      await assertContent(storage, "dst/a.txt", "v5");
    });

    t.test("the old version is whole in the backup folder before the target file changes", async (real) => {
      const journal: string[] = [];
      const storage = watchedStorage(real, { done: (change) => journal.push(change) });
      await prepare(storage, storage);
      journal.length = 0;
      await sync(storage, storage, { backupDir: { storage, prefix: "bak" } }, true);
      const at = (pattern: RegExp): number => {
        const index = journal.findIndex((change) => pattern.test(change));
        assert.ok(index >= 0, `no change matching ${pattern} in ${JSON.stringify(journal)}`);
        return index;
      };
      assert.ok(at(/^(write|copy) bak\/a\.txt$/) < at(/^(write|copy) dst\/a\.txt$/), `a.txt is saved before it is replaced: ${JSON.stringify(journal)}`);
      // Deleted: moved to the backup folder, or copied there before the delete.
      if (!journal.includes("move dst/gone/x bak/gone/x")) {
        assert.ok(at(/^(write|copy) bak\/gone\/x$/) < at(/^delete dst\/gone\/x$/), `gone/x is saved before it is deleted: ${JSON.stringify(journal)}`);
      }
    });

    t.test("a backup that fails fails its file: the target keeps the old version, nothing is deleted", async (source, open) => {
      const [target, backup] = [await open(), await open()];
      await prepare(source, target);
      const error = await expectRejects(
        () => syncStorages(source, "src", target, "dst", { backupDir: { storage: failingWritesTo(backup, "bak/a.txt"), prefix: "bak" } }),
        SyncError,
        "a sync whose backup of one file fails",
      );
      assert.equal(error.stage, "copy");
      assert.deepEqual(error.failures.map((failure) => [failure.path, failure.step]), [["a.txt", "backup"]]);
      await assertContent(target, "dst/a.txt", "old");
      await assertContent(target, "dst/gone/x", "old x");
      assert.deepEqual(await allKeys(backup, t.settings), []);
    });

    t.test("a copy that fails after its backup leaves the old file in the target and in the backup folder", async (real) => {
      await prepare(real, real);
      const storage = failingWritesTo(real, "dst/a.txt");
      const error = await expectRejects(() => sync(storage, storage, { backupDir: { storage, prefix: "bak" } }, true), SyncError, "a sync whose copy fails");
      assert.deepEqual(error.failures.map((failure) => [failure.path, failure.step]), [["a.txt", undefined]]);
      await assertContent(real, "dst/a.txt", "old");
      await assertContent(real, "bak/a.txt", "old");
      await assertContent(real, "dst/gone/x", "old x");
    });

    t.test("a dry run saves nothing and counts what the real run saves", async (storage) => {
      await prepare(storage, storage);
      const before = await snapshotAll(storage, t.settings);
      const dry = await sync(storage, storage, { dryRun: true, backupDir: { storage, prefix: "bak" } });
      await assertUnchanged(storage, t.settings, before, "a dry run with a backup folder");
      const real = await sync(storage, storage, { backupDir: { storage, prefix: "bak" } });
      assert.deepEqual({ ...dry, dryRun: false, bytesCopied: real.bytesCopied }, real);
      assert.equal(real.backedUp, 2);
    });

    t.test("a backup folder overlapping the target or source folder of the storage is rejected before any I/O", async (storage) => {
      await prepare(storage, storage);
      const before = await snapshotAll(storage, t.settings);
      for (const prefix of ["dst/bak", "dst", "", "src/bak"]) {
        await expectRejects(() => sync(storage, storage, { backupDir: { storage, prefix } }), InvalidOptionsError, `backupDir prefix '${prefix}'`);
      }
      await assertUnchanged(storage, t.settings, before, "a rejected backup folder");
    });
  });
}
