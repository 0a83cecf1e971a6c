import assert from "node:assert/strict";
import { canCollectGarbage, collectBytes, isStowageError, type GarbageCollectingStorage, type SnapshotStorage } from "@stowage/core";
import { failureOf } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";

/**
 * Whether the backend offers garbage collection; a backend without it must not have a
 * `collectGarbage` property of another kind either (callers test for it with `canCollectGarbage`).
 */
function hasGarbageCollection(storage: SnapshotStorage): storage is SnapshotStorage & GarbageCollectingStorage {
  if (canCollectGarbage(storage)) return true;
  assert.equal((storage as { collectGarbage?: unknown }).collectGarbage, undefined, "collectGarbage must be a method or absent");
  return false;
}

/**
 * `collectGarbage` (optional: only for a backend that has it, see core's `canCollectGarbage`) never
 * touches data: with every age, even 0, files (overwritten and empty ones included) stay whole and listed,
 * and a clean storage has nothing to collect. Bad options are `InvalidOptionsError` and change nothing.
 */
export function garbageTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("collectGarbage (when the backend has it)", () => {
    t.test("leaves every file whole, overwritten and empty ones included, even with olderThanMs 0", async (storage) => {
      if (!hasGarbageCollection(storage)) return;
      await storage.write("gc/empty", "");
      await storage.write("gc/deep/emptied", "soon empty");
      await storage.write("gc/deep/emptied", new Uint8Array(0));
      await storage.write("gc/a.txt", "first");
      await storage.write("gc/a.txt", "second");
      await storage.write("gc/deep/b.bin", new Uint8Array(3000).fill(7));
      const dry = await storage.collectGarbage({ olderThanMs: 0, dryRun: true });
      assert.equal(dry.removed, 0, "a dry run removes nothing");
      assert.equal(dry.found, 0, "a storage with no interrupted write has no leftovers");
      const report = await storage.collectGarbage({ olderThanMs: 0 });
      assert.deepEqual([report.found, report.removed], [0, 0]);
      assert.equal((await collectBytes(await storage.read("gc/a.txt"))).toString(), "second");
      assert.equal((await collectBytes(await storage.read("gc/deep/b.bin"))).byteLength, 3000);
      assert.deepEqual(await storage.list("gc"), ["gc/a.txt", "gc/deep/", "gc/empty"], "collectGarbage must leave every file, empty ones included");
      assert.deepEqual(await storage.list("gc/deep"), ["gc/deep/b.bin", "gc/deep/emptied"], "collectGarbage must leave an emptied file");
      assert.equal(await storage.exists("gc/empty"), true, "an empty file is a file, not garbage");
    });

    t.test("rejects a negative, infinite or non-number age with InvalidOptionsError", async (storage) => {
      if (!hasGarbageCollection(storage)) return;
      await storage.write("kept", "x");
      for (const olderThanMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1h" as unknown as number]) {
        const error = await failureOf(() => storage.collectGarbage({ olderThanMs }), `collectGarbage({ olderThanMs: ${String(olderThanMs)} })`);
        assert.ok(isStowageError(error, "E_INVALID_OPTIONS"), `expected E_INVALID_OPTIONS, got ${String(error)}`);
      }
      assert.equal(await storage.exists("kept"), true);
    });
  });
}
