import assert from "node:assert/strict";
import {
  SyncError,
  isAdvancedSnapshotStorage,
  syncStorages,
  type FileStat,
  type SnapshotStorage,
  type SyncCopier,
  type SyncOptions,
  type WriteContent,
  type WriteOptions,
} from "@stowage/core";
import { assertContent, pseudoRandomBytes } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { logSync, type LoggedSync } from "../sync-log.js";

/**
 * The storage, except that writing `failingKey` fails, through `write` or a native copy: a fault a
 * real backend cannot produce on demand. Methods are bound to the storage itself, so private fields
 * keep working.
 */
function failingWritesTo<S extends SnapshotStorage>(storage: S, failingKey: string): S {
  const fail = (key: string): void => {
    if (key === failingKey) throw new Error(`injected failure writing '${key}'`);
  };
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "write") {
        return async (key: string, content: WriteContent, options?: WriteOptions) => {
          fail(key);
          return target.write(key, content, options);
        };
      }
      if (property === "syncCopier" && isAdvancedSnapshotStorage(target) && target.syncCopier !== undefined) {
        return (source: SnapshotStorage): SyncCopier | undefined => {
          const copier = target.syncCopier?.(source);
          if (copier === undefined) return undefined;
          return {
            copy: async (sourceKey: string, targetKey: string, stat: FileStat) => {
              fail(targetKey);
              return copier.copy(sourceKey, targetKey, stat);
            },
            finish: () => copier.finish(),
          };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** `syncStorages` with the paths of its events collected (see {@link logSync}). */
function mirror(source: SnapshotStorage, from: string, target: SnapshotStorage, to: string, options: SyncOptions = {}): Promise<LoggedSync> {
  return logSync((onProgress) => syncStorages(source, from, target, to, { ...options, onProgress }));
}

/**
 * core's `syncStorages` mirrors between two instances of the backend: natively where the target
 * offers a `syncCopier` for the source, otherwise streamed through the basic tier.
 */
export function mirrorTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("mirroring between storages (syncStorages)", () => {
    t.test("copies, skips, deletes extras and respects dryRun across two storages", async (source, open) => {
      const target = await open();
      const big = pseudoRandomBytes(300_001, 70);
      await writeAll(source, { "snap/a": "alpha", "snap/sub/b": big, "elsewhere/x": "not synced" });
      await writeAll(target, { "mirror/extra": "x", "mirror-keep/y": "y" });

      const dry = await mirror(source, "snap", target, "mirror", { dryRun: true });
      assert.deepEqual(await allKeys(target, t.settings), ["mirror-keep/y", "mirror/extra"]);
      const real = await mirror(source, "snap", target, "mirror");
      // Only bytesCopied may differ: without stat, a dry run cannot know sizes.
      assert.deepEqual({ ...dry, dryRun: false, bytesCopied: real.bytesCopied }, real);
      assert.equal(real.bytesCopied, 5 + big.byteLength);
      assert.deepEqual(real.paths.copy, ["a", "sub/b"]);
      assert.deepEqual(real.paths.delete, ["extra"]);
      await assertContent(target, "mirror/sub/b", big);
      assert.deepEqual(await allKeys(target, t.settings), ["mirror-keep/y", "mirror/a", "mirror/sub/b"]);

      const again = await mirror(source, "snap", target, "mirror");
      assert.deepEqual(again.paths.skip, ["a", "sub/b"]);
      assert.deepEqual(again.paths.copy, []);
    });

    t.test("a copy that fails is a SyncError, and nothing is deleted", async (source, open) => {
      const target = await open();
      await writeAll(source, { "snap/a": "1", "snap/b": "2", "snap/c": "3" });
      await writeAll(target, { "mirror/a": "old", "mirror/extra": "keep until every copy worked" });
      const error = await expectRejects(
        () => syncStorages(source, "snap", failingWritesTo(target, "mirror/b"), "mirror"),
        SyncError,
        "syncStorages with one failing write",
      );
      assert.deepEqual(error.failures.map((failure) => failure.path), ["b"]);
      assert.equal(error.report.deleted, 0);
      await assertContent(target, "mirror/extra", "keep until every copy worked");
      assert.equal(await target.exists("mirror/b"), false, "the failed copy must leave nothing");
      const before = await snapshotAll(source, t.settings);
      await syncStorages(source, "snap", target, "mirror");
      await assertUnchanged(source, t.settings, before, "syncing from a storage");
      assert.deepEqual(await allKeys(target, t.settings), ["mirror/a", "mirror/b", "mirror/c"]);
    });
  });
}
