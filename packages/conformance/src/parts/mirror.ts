import assert from "node:assert/strict";
import { SyncError, syncStorages, type SnapshotStorage, type SyncOptions } from "@stowage/core";
import { assertContent, pseudoRandomBytes } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import { failingWritesTo } from "../faults.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { logSync, type LoggedSync } from "../sync-log.js";

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
