import assert from "node:assert/strict";
import { comparePlaces, hasPlace, syncStorages, type AdvancedSnapshotStorage } from "@stowage/core";
import type { SuiteContext } from "../fixture.js";

/**
 * Issue 24 item 3, as a backend promise: a storage that says where its folders are
 * (`place(prefix)`, core's `PlacedStorage`) says it consistently, segment by segment, without
 * writing anything, and so lets sync refuse folders that overlap by place. A storage without
 * `place` is compared by object identity (and by URL in the CLI): these tests pass over it.
 */
export function placeTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("place (where a folder really is)", () => {
    t.test("one folder is one place; a folder below another is inside it; a sibling is apart", async (storage) => {
      if (!hasPlace(storage)) return;
      const [root, a, again, ab, sibling, prefixText] = await Promise.all([
        storage.place(""),
        storage.place("a"),
        storage.place("a/"),
        storage.place("a/b"),
        storage.place("c"),
        storage.place("ab"),
      ]);
      assert.equal(comparePlaces(a, again), "same", "'a' and 'a/' are one folder");
      assert.equal(comparePlaces(ab, a), "inside");
      assert.equal(comparePlaces(a, ab), "contains");
      assert.equal(comparePlaces(a, root), "inside");
      assert.equal(comparePlaces(sibling, a), "apart");
      assert.equal(comparePlaces(prefixText, a), "apart", "'ab' is not inside 'a': segments, not text");
    });

    t.test("asking for a place writes nothing, for a folder that does not exist too", async (storage) => {
      if (!hasPlace(storage)) return;
      await storage.write("kept.txt", "k");
      await storage.place("missing/deeper");
      assert.deepEqual(await storage.recursiveList(""), ["kept.txt"]);
      assert.equal(await storage.exists("missing/deeper"), false);
    });

    t.test("a sync between two folders of one place that overlap is refused before any write", async (storage) => {
      if (!hasPlace(storage)) return;
      await storage.write("src/a.txt", "a");
      await assert.rejects(syncStorages(storage, "src", storage, "src/mirror"), { code: "E_INVALID_PATH" });
      await assert.rejects(syncStorages(storage, "src", storage, "dst", { backupDir: { storage, prefix: "dst/old" } }), { code: "E_INVALID_OPTIONS" });
      assert.deepEqual(await storage.recursiveList(""), ["src/a.txt"]);
    });
  });
}
