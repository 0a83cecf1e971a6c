import assert from "node:assert/strict";
import { SyncError, compareKeys, type AdvancedSnapshotStorage, type SyncOptions } from "@stowage/core";
import { assertContent } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";
import { logSync, type LoggedSync } from "../sync-log.js";

function sync(storage: AdvancedSnapshotStorage, options: SyncOptions): Promise<LoggedSync> {
  return logSync((onProgress) => storage.sync("src", "dst", { ...options, onProgress }));
}

async function keys(storage: AdvancedSnapshotStorage, prefix: string): Promise<string[]> {
  return (await storage.recursiveList(prefix)).sort(compareKeys);
}

/** `sync`'s `filter` (rclone's include/exclude rules) and `maxDelete` (rclone's `--max-delete`). */
export function syncFilterTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("sync filters and maxDelete", () => {
    t.test("excluded files are neither copied nor deleted, on either side, and are counted", async (storage) => {
      await writeAll(storage, {
        "src/a.txt": "a",
        "src/b.tmp": "b",
        "src/node_modules/p/i.js": "i",
        "src/sub/c.txt": "c",
        "src/sub/node_modules/q.js": "q",
        "dst/extra": "x",
        "dst/old.tmp": "o",
        "dst/node_modules/keep.js": "k",
      });
      const result = await sync(storage, { filter: [{ action: "exclude", pattern: "*.tmp" }, { action: "exclude", pattern: "node_modules/" }] });
      assert.deepEqual(result.paths.copy, ["a.txt", "sub/c.txt"]);
      assert.deepEqual(result.paths.delete, ["extra"]);
      // A folder walk never sees the excluded folders; a flat listing sees and counts their files.
      const seen = new Set(result.paths.exclude);
      for (const path of ["b.tmp", "old.tmp"]) assert.ok(seen.has(path), `'${path}' is reported as excluded`);
      const possible = new Set(["b.tmp", "old.tmp", "node_modules/p/i.js", "sub/node_modules/q.js", "node_modules/keep.js"]);
      for (const path of seen) assert.ok(possible.has(path), `'${path}' is not excluded by the rules`);
      assert.deepEqual(await keys(storage, "dst"), ["dst/a.txt", "dst/node_modules/keep.js", "dst/old.tmp", "dst/sub/c.txt"]);
      await assertContent(storage, "dst/old.tmp", "o");
    });

    t.test("rules apply in order, first match wins, and include rules leave out what no rule matches", async (storage) => {
      await writeAll(storage, { "src/a.txt": "a", "src/d/secret.txt": "s", "src/d/e.txt": "e", "src/img.png": "p", "src/docs/x.png": "x" });
      const filter: SyncOptions["filter"] = [
        { action: "exclude", pattern: "secret.txt" },
        { action: "include", pattern: "*.txt" },
        { action: "include", pattern: "/docs/**" },
      ];
      const first = await sync(storage, { filter });
      assert.deepEqual(first.paths.copy, ["a.txt", "d/e.txt", "docs/x.png"]);
      assert.deepEqual(first.paths.exclude, ["d/secret.txt", "img.png"]);
      assert.deepEqual((await sync(storage, { filter })).paths.skip, ["a.txt", "d/e.txt", "docs/x.png"]);
    });

    t.test("maxDelete: over the limit, nothing is deleted, copies still happen, and the count is reported", async (storage) => {
      await writeAll(storage, { "src/new": "n", "dst/x1": "1", "dst/x2": "2", "dst/sub/x3": "3" });
      const error = await expectRejects(() => storage.sync("src", "dst", { maxDelete: 2 }), SyncError, "a sync deleting 3 files with maxDelete 2");
      assert.equal(error.code, "E_SYNC");
      assert.equal(error.stage, "max-delete");
      assert.equal(error.deleteCount, 3);
      assert.equal(error.report.copied, 1);
      assert.equal(error.report.deleted, 0);
      assert.deepEqual(await keys(storage, "dst"), ["dst/new", "dst/sub/x3", "dst/x1", "dst/x2"]);
      const within = await sync(storage, { maxDelete: 3 });
      assert.deepEqual(within.paths.delete, ["sub/x3", "x1", "x2"]);
      assert.deepEqual(await keys(storage, "dst"), ["dst/new"]);
    });
  });
}
