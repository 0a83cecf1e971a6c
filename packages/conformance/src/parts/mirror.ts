import assert from "node:assert/strict";
import { syncStorages, type SnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, writeAll } from "../inspect.js";

/** core's `syncStorages` mirrors between two instances of the backend through the basic tier. */
export function mirrorTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("mirroring between storages (syncStorages)", () => {
    t.test("copies, skips, deletes extras and respects dryRun across two storages", async (source, open) => {
      const target = await open();
      const big = pseudoRandomBytes(300_001, 70);
      await writeAll(source, { "snap/a": "alpha", "snap/sub/b": big, "elsewhere/x": "not synced" });
      await writeAll(target, { "mirror/extra": "x", "mirror-keep/y": "y" });

      const dry = await syncStorages(source, "snap", target, "mirror", { dryRun: true });
      assert.deepEqual(await allKeys(target, t.settings), ["mirror-keep/y", "mirror/extra"]);
      const real = await syncStorages(source, "snap", target, "mirror");
      // Only bytesCopied may differ: without stat, a dry run cannot know sizes.
      assert.deepEqual({ ...dry, dryRun: false, bytesCopied: real.bytesCopied }, real);
      assert.equal(real.bytesCopied, 5 + big.byteLength);
      assert.deepEqual(real.copied, ["a", "sub/b"]);
      assert.deepEqual(real.deleted, ["extra"]);
      await assertContent(target, "mirror/sub/b", big);
      assert.deepEqual(await allKeys(target, t.settings), ["mirror-keep/y", "mirror/a", "mirror/sub/b"]);

      const again = await syncStorages(source, "snap", target, "mirror");
      assert.deepEqual(again.skipped, ["a", "sub/b"]);
      assert.deepEqual(again.copied, []);
    });
  });
}
