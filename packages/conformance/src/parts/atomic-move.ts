import assert from "node:assert/strict";
import type { AdvancedSnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes } from "../bytes.js";
import { expectNotFound } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";
import { assertSameTime } from "./mtime.js";

/** `atomicMove`: the destination appears whole, the source goes. */
export function atomicMoveTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("atomicMove", () => {
    t.test("moves a file to a new key and removes the source", async (storage) => {
      const data = pseudoRandomBytes(1024 * 1024 + 1, 40);
      await storage.write("from", data);
      assert.equal(await storage.atomicMove("from", "to"), undefined);
      await assertContent(storage, "to", data);
      assert.equal(await storage.exists("from"), false, "the source must be gone");
      await expectNotFound(() => storage.read("from"), "from", "read of a moved source");
      assert.deepEqual(await storage.recursiveList(""), ["to"]);
    });

    t.test("replaces an existing destination", async (storage) => {
      await writeAll(storage, { src: "new content", dst: "old and longer content" });
      await storage.atomicMove("src", "dst");
      await assertContent(storage, "dst", "new content");
      assert.deepEqual(await storage.recursiveList(""), ["dst"]);
    });

    t.test("moves into a new folder, and the emptied folder vanishes", async (storage) => {
      await writeAll(storage, { "old/a.txt": "a", "keep.txt": "k" });
      await storage.atomicMove("old/a.txt", "new/deep/b.txt");
      await assertContent(storage, "new/deep/b.txt", "a");
      assert.deepEqual(await storage.list(""), ["keep.txt", "new/"]);
      assert.deepEqual(await storage.list("new"), ["new/deep/"]);
    });

    t.test("a move onto itself changes nothing", async (storage) => {
      await storage.write("self", "still here");
      await storage.atomicMove("self", "self");
      await assertContent(storage, "self", "still here");
      assert.deepEqual(await storage.recursiveList(""), ["self"]);
    });

    t.test("a missing source or a folder leaves the destination untouched", async (storage) => {
      await writeAll(storage, { dst: "untouched", "dir/inner": "i" });
      await expectNotFound(() => storage.atomicMove("nope", "dst"), "nope", "atomicMove of a missing source");
      await expectNotFound(() => storage.atomicMove("dir", "moved"), "dir", "atomicMove of a folder");
      await assertContent(storage, "dst", "untouched");
      assert.deepEqual(await storage.recursiveList(""), ["dir/inner", "dst"]);
    });

    t.test("the moved file keeps its mtime and size", async (storage) => {
      const past = new Date(Date.UTC(2022, 8, 9, 10, 11, 12, 345));
      await storage.write("timed", "content with a time", { mtime: past });
      await storage.atomicMove("timed", "moved/timed");
      const stat = await storage.stat("moved/timed");
      assert.equal(stat.size, 19);
      assertSameTime(stat, past, "a moved file (a move is not a new write)");
    });

    t.test("the source key can be written again after a move", async (storage) => {
      await storage.write("a", "first");
      await storage.atomicMove("a", "b");
      await storage.write("a", "second");
      await assertContent(storage, "a", "second");
      await assertContent(storage, "b", "first");
      assert.equal((await storage.stat("b")).size, 5);
    });
  });
}
