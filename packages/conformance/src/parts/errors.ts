import assert from "node:assert/strict";
import { InvalidPathError, SnapshotConflictError, type AdvancedSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import { assertContent } from "../bytes.js";
import { expectNotFound, expectRejects, firstStep } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll, writeAll } from "../inspect.js";

/** Typed errors of the basic tier. */
export function errorTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("errors", () => {
    t.test("read of a missing file rejects with SnapshotNotFoundError before any stream exists", async (storage) => {
      await expectNotFound(() => storage.read("missing.txt"), "missing.txt", "read('missing.txt')");
      await expectNotFound(() => storage.read("no/such/dir/file"), "no/such/dir/file", "read('no/such/dir/file')");
    });

    t.test("read of a folder or of a string prefix of a file is SnapshotNotFoundError", async (storage) => {
      await storage.write("dir/file", "x");
      await expectNotFound(() => storage.read("dir"), "dir", "read('dir') of a folder");
      await expectNotFound(() => storage.read("dir/fil"), "dir/fil", "read('dir/fil'), a prefix of 'dir/file'");
    });

    t.test("InvalidPathError has a stable code and a reason", async (storage) => {
      const error = await expectRejects(() => storage.write("../escape", "x"), InvalidPathError, "write('../escape')");
      assert.equal(error.code, "E_INVALID_PATH");
      assert.equal(typeof error.reason, "string");
      assert.ok(error.reason.length > 0, "reason must say why");
    });
  });
}

/** Typed errors of the advanced tier. */
export function advancedErrorTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("errors, advanced", () => {
    t.test("streamRead of a missing file fails its first iteration with SnapshotNotFoundError", async (storage) => {
      let iterable: AsyncIterable<Uint8Array> | undefined;
      assert.doesNotThrow(() => (iterable = storage.streamRead("missing")), "streamRead itself must not throw for a missing file");
      await expectNotFound(() => firstStep(iterable as AsyncIterable<Uint8Array>), "missing", "first step of streamRead('missing')");
      await storage.write("dir/f", "x");
      await expectNotFound(() => firstStep(storage.streamRead("dir")), "dir", "streamRead of a folder");
    });

    t.test("stat of a missing file or a folder is SnapshotNotFoundError", async (storage) => {
      await expectNotFound(() => storage.stat("missing"), "missing", "stat('missing')");
      await storage.write("dir/f", "x");
      await expectNotFound(() => storage.stat("dir"), "dir", "stat of a folder");
    });

    t.test("atomicMove of a missing source is SnapshotNotFoundError naming the source", async (storage) => {
      await storage.write("dst", "untouched");
      await expectNotFound(() => storage.atomicMove("missing", "dst"), "missing", "atomicMove('missing', 'dst')");
      await expectNotFound(() => storage.atomicMove("missing", "new"), "missing", "atomicMove('missing', 'new')");
      await assertContent(storage, "dst", "untouched");
      assert.equal(await storage.exists("new"), false);
    });
  });
}

/** `SnapshotConflictError` where a key would be both a file and a folder. */
export function conflictTests(t: SuiteContext<SnapshotStorage>): void {
  if (!t.settings.fileFolderConflicts) return;
  t.describe("file/folder conflicts", () => {
    t.test("writing under a file is SnapshotConflictError and changes nothing", async (storage) => {
      await writeAll(storage, { a: "file", "other/x": "y" });
      const before = await snapshotAll(storage, t.settings);
      for (const key of ["a/b", "a/b/c"]) {
        const error = await expectRejects(() => storage.write(key, "x"), SnapshotConflictError, `write('${key}') under file 'a'`);
        assert.equal(error.code, "E_CONFLICT");
        assert.equal(error.path, key);
      }
      await assertUnchanged(storage, t.settings, before, "a conflicting write");
    });

    t.test("writing a file where a folder exists is SnapshotConflictError and changes nothing", async (storage) => {
      await writeAll(storage, { "a/b": "inner", "a/c/d": "deeper" });
      const before = await snapshotAll(storage, t.settings);
      await expectRejects(() => storage.write("a", "x"), SnapshotConflictError, "write('a') over folder 'a'");
      await expectRejects(() => storage.write("a/c", "x"), SnapshotConflictError, "write('a/c') over folder 'a/c'");
      await assertUnchanged(storage, t.settings, before, "a conflicting write");
    });

    t.test("a key is free again once the conflicting file or folder is gone", async (storage) => {
      await storage.write("a", "file");
      await storage.delete("a");
      await storage.write("a/b", "now a folder");
      await storage.delete("a/b");
      await storage.write("a", "a file again");
      await assertContent(storage, "a", "a file again");
    });
  });
}

/** Conflicts through the advanced writers. */
export function advancedConflictTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  if (!t.settings.fileFolderConflicts) return;
  t.describe("file/folder conflicts, advanced", () => {
    t.test("streamWrite and atomicMove honour conflicts and change nothing", async (storage) => {
      await writeAll(storage, { file: "f", "folder/inner": "i", src: "s" });
      const before = await snapshotAll(storage, t.settings);
      await expectRejects(() => storage.streamWrite("file/x", [Buffer.from("x")]), SnapshotConflictError, "streamWrite under a file");
      await expectRejects(() => storage.streamWrite("folder", [Buffer.from("x")]), SnapshotConflictError, "streamWrite over a folder");
      await expectRejects(() => storage.atomicMove("src", "file/x"), SnapshotConflictError, "atomicMove under a file");
      await expectRejects(() => storage.atomicMove("src", "folder"), SnapshotConflictError, "atomicMove over a folder");
      await assertUnchanged(storage, t.settings, before, "a conflicting streamWrite or atomicMove");
    });
  });
}
