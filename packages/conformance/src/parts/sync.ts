import assert from "node:assert/strict";
import {
  InvalidPathError,
  SyncError,
  compareKeys,
  type AdvancedSnapshotStorage,
  type SyncOptions,
} from "@stowage/core";
import { allByteValues, assertContent, pseudoRandomBytes } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { logSync, type LoggedSync } from "../sync-log.js";

const SOURCE = {
  "src/a.txt": "alpha",
  "src/sub/b.txt": "bravo!",
  "src/sub/deep/c.bin": "",
  "src/z.bin": allByteValues(),
};
const RELATIVE = ["a.txt", "sub/b.txt", "sub/deep/c.bin", "z.bin"];
const SOURCE_BYTES = 5 + 6 + 0 + 256;

/** Files next to the target that a sync to `dst` must never touch. */
const NEIGHBOURS = { "dst2/keep": "1", "dst.txt": "2", "dstx/keep": "3", "other/keep": "4", "src2/keep": "5" };

/** What a sync's report and events must say: the paths of each action, and the bytes copied. */
function report(copy: string[], skip: string[], del: string[], bytesCopied: number, dryRun = false): LoggedSync {
  return {
    copied: copy.length,
    skipped: skip.length,
    deleted: del.length,
    backedUp: 0,
    ignored: 0,
    excluded: 0,
    bytesCopied,
    dryRun,
    paths: { copy, skip, delete: del, backup: [], ignore: [], exclude: [] },
  };
}

/** `storage.sync`, with the paths of its events collected (see {@link logSync}). */
function sync(storage: AdvancedSnapshotStorage, from: string, to: string, options: SyncOptions = {}): Promise<LoggedSync> {
  return logSync((onProgress) => storage.sync(from, to, { ...options, onProgress }));
}

/** `sync` mirrors one folder onto another like `rclone sync`, and never strays outside it. */
export function syncTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("sync", () => {
    t.test("copies a tree into an empty target and reports it", async (storage) => {
      await writeAll(storage, SOURCE);
      assert.deepEqual(await sync(storage, "src", "dst"), report(RELATIVE, [], [], SOURCE_BYTES));
      for (const [key, content] of Object.entries(SOURCE)) await assertContent(storage, key.replace(/^src\//, "dst/"), content);
      assert.deepEqual(await storage.recursiveList("src"), Object.keys(SOURCE).sort(compareKeys), "the source is untouched");
    });

    t.test("a second run skips every unchanged file", async (storage) => {
      await writeAll(storage, SOURCE);
      await sync(storage, "src", "dst");
      assert.deepEqual(await sync(storage, "src", "dst"), report([], RELATIVE, [], 0));
    });

    t.test("copies new and changed files only", async (storage) => {
      await writeAll(storage, SOURCE);
      await sync(storage, "src", "dst");
      await writeAll(storage, { "src/a.txt": "alpha, longer now", "src/new.txt": "new" });
      const result = await sync(storage, "src", "dst");
      assert.deepEqual(result.paths.copy, ["a.txt", "new.txt"]);
      assert.deepEqual(result.paths.skip, ["sub/b.txt", "sub/deep/c.bin", "z.bin"]);
      await assertContent(storage, "dst/a.txt", "alpha, longer now");
      await assertContent(storage, "dst/new.txt", "new");
    });

    t.test("compare 'checksum' catches a same-size change; 'size' documents that it cannot", async (storage) => {
      await writeAll(storage, SOURCE);
      await sync(storage, "src", "dst");
      await storage.write("src/a.txt", "ALPHA");
      assert.deepEqual((await sync(storage, "src", "dst", { compare: "size" })).paths.copy, []);
      await assertContent(storage, "dst/a.txt", "alpha");
      assert.deepEqual((await sync(storage, "src", "dst", { compare: "checksum" })).paths.copy, ["a.txt"]);
      await assertContent(storage, "dst/a.txt", "ALPHA");
      assert.deepEqual((await sync(storage, "src", "dst", { compare: "checksum" })).paths.copy, []);
    });

    t.test("compare 'auto' catches a same-size change when the backend has etags", async (storage) => {
      await writeAll(storage, SOURCE);
      await sync(storage, "src", "dst");
      await storage.write("src/a.txt", "ALPHA");
      if ((await storage.stat("src/a.txt")).etag === undefined) return;
      assert.deepEqual((await sync(storage, "src", "dst")).paths.copy, ["a.txt"]);
      await assertContent(storage, "dst/a.txt", "ALPHA");
    });

    t.test("deletes target files missing from the source, and nothing outside the target", async (storage) => {
      await writeAll(storage, { ...SOURCE, ...NEIGHBOURS, "dst/extra.txt": "x", "dst/sub/old.txt": "y", "dst/gone/deep/z": "z" });
      const result = await sync(storage, "src", "dst");
      assert.deepEqual(result.paths.delete, ["extra.txt", "gone/deep/z", "sub/old.txt"]);
      assert.deepEqual(await storage.recursiveList("dst"), RELATIVE.map((path) => `dst/${path}`));
      for (const [key, content] of Object.entries(NEIGHBOURS)) await assertContent(storage, key, content);
      assert.deepEqual(await storage.list("dst"), ["dst/a.txt", "dst/sub/", "dst/z.bin"], "emptied target folders vanish");
    });

    t.test("deleteExtraneous: false keeps target extras", async (storage) => {
      await writeAll(storage, { ...SOURCE, "dst/extra.txt": "x" });
      const result = await sync(storage, "src", "dst", { deleteExtraneous: false });
      assert.deepEqual(result, report(RELATIVE, [], [], SOURCE_BYTES));
      await assertContent(storage, "dst/extra.txt", "x");
    });

    t.test("dryRun changes nothing and reports exactly what the real run does", async (storage) => {
      await writeAll(storage, { ...SOURCE, ...NEIGHBOURS, "dst/a.txt": "stale", "dst/sub/b.txt": "bravo!", "dst/extra": "x" });
      await sync(storage, "src", "dst", { compare: "size" }); // a first pass, so the next has copies, skips and deletes
      await writeAll(storage, { "src/a.txt": "alpha changed", "dst/extra": "x" });
      const before = await snapshotAll(storage, t.settings);
      const dry = await sync(storage, "src", "dst", { dryRun: true });
      await assertUnchanged(storage, t.settings, before, "sync with dryRun");
      assert.equal(dry.dryRun, true);
      const real = await sync(storage, "src", "dst");
      assert.equal(real.dryRun, false);
      assert.deepEqual({ ...dry, dryRun: false }, real, "the dry run must report what the real run does");
      assert.deepEqual(real.paths.delete, ["extra"]);
      assert.ok(real.paths.copy.includes("a.txt"));
    });

    t.test("overlapping prefixes are rejected before anything changes", async (storage) => {
      await writeAll(storage, { "a/b/c": "1", "a/d": "2", "x": "3" });
      const before = await snapshotAll(storage, t.settings);
      const pairs: Array<[string, string]> = [["a", "a"], ["a", "a/b"], ["a/b", "a"], ["a/", "a"], ["", "a"], ["a", ""], ["", ""]];
      for (const [from, to] of pairs) {
        await expectRejects(() => sync(storage, from, to), InvalidPathError, `sync('${from}', '${to}')`);
      }
      await assertUnchanged(storage, t.settings, before, "a rejected sync");
    });

    t.test("prefixes that only share a string prefix do not overlap", async (storage) => {
      await writeAll(storage, { "snap/a": "1", "snapshot2/old": "2" });
      assert.deepEqual(await sync(storage, "snap", "snapshot2"), report(["a"], [], ["old"], 1));
      assert.deepEqual(await storage.recursiveList(""), ["snap/a", "snapshot2/a"]);
    });

    t.test("trailing slashes and nested targets work", async (storage) => {
      await writeAll(storage, SOURCE);
      assert.deepEqual((await sync(storage, "src/", "backup/2026/daily/")).paths.copy, RELATIVE);
      assert.deepEqual(await storage.recursiveList("backup/2026/daily"), RELATIVE.map((path) => `backup/2026/daily/${path}`));
      assert.deepEqual((await sync(storage, "src", "backup/2026/daily")).paths.skip, RELATIVE);
    });

    t.test("an empty or missing source empties the target (rclone semantics)", async (storage) => {
      await writeAll(storage, { "dst/a": "1", "dst/b/c": "2", "keep": "3" });
      assert.deepEqual(await sync(storage, "nothing-here", "dst"), report([], [], ["a", "b/c"], 0));
      assert.deepEqual(await storage.recursiveList(""), ["keep"]);
    });

    t.test("the report counts what the progress events name, numbered in order, for names of every kind", async (storage) => {
      const names = ["b", "\u{1F389}", "a/x", "B", "\uFF61", "a.txt", "é"];
      for (const name of names) await storage.write(`src/${name}`, name);
      for (const name of names) await storage.write(`dst/old-${name}`, name);
      await storage.write("dst/a.txt", "a.txt");
      const result = await sync(storage, "src", "dst", { compare: "size" });
      assert.deepEqual(result.paths.copy, names.filter((name) => name !== "a.txt").sort(compareKeys));
      assert.deepEqual(result.paths.skip, ["a.txt"]);
      assert.deepEqual(result.paths.delete, names.map((name) => `old-${name}`).sort(compareKeys));
    });

    t.test("copies content exactly, large files included", async (storage) => {
      const large = pseudoRandomBytes(1024 * 1024 + 3, 60);
      await writeAll(storage, { "src/large": large, "src/bytes": allByteValues() });
      await sync(storage, "src", "dst", { concurrency: 1 });
      await assertContent(storage, "dst/large", large);
      await assertContent(storage, "dst/bytes", allByteValues());
    });

    if (t.settings.fileFolderConflicts) {
      t.test("a failed copy raises SyncError and deletes nothing", async (storage) => {
        // dst/x is a file, so copying src/x/y to dst/x/y must fail; dst/x is also an extra.
        await writeAll(storage, { "src/x/y": "y", "src/ok": "ok", "dst/x": "blocking file", "dst/zz-extra": "extra" });
        const error = await expectRejects(() => sync(storage, "src", "dst"), SyncError, "sync with a failing copy");
        assert.equal(error.code, "E_SYNC");
        assert.deepEqual(error.failures.map((failure) => failure.path), ["x/y"]);
        assert.equal(error.failureCount, 1);
        assert.equal(error.report.deleted, 0, "the report must show nothing deleted");
        await assertContent(storage, "dst/x", "blocking file");
        await assertContent(storage, "dst/zz-extra", "extra");
      });
    }
  });
}
