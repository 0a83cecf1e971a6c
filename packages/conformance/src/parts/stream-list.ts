import assert from "node:assert/strict";
import { compareKeys, walkFiles, type AdvancedSnapshotStorage, type FileStat } from "@stowage/core";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";
import { NEIGHBOURS, SORTED_DEEP, TREE, UNSORTED, basicView, writeMany } from "./listing.js";

async function collect(listing: AsyncIterable<FileStat>): Promise<FileStat[]> {
  const stats: FileStat[] = [];
  for await (const stat of listing) stats.push(stat);
  return stats;
}

const paths = (stats: readonly FileStat[]): string[] => stats.map((stat) => stat.path);

/**
 * `streamList`: the deep listing as a lazy, sorted stream of stats, which sync merges. A sync
 * trusts its order (an out-of-order listing would delete files the source has), its laziness (a
 * listing read whole before its first entry costs memory that grows with the tree) and its stats
 * (equal to `stat`'s, or the sync's quick check decides wrongly).
 */
export function streamListTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("streamList", () => {
    t.test("yields every file below a folder, at any depth, as recursiveList lists them", async (storage) => {
      await writeAll(storage, { ...TREE, ...NEIGHBOURS });
      for (const prefix of ["", "a", "a/", "a/c/e", "snap", "deep/snap", "sna", "nope", "a/b.txt"]) {
        assert.deepEqual(paths(await collect(storage.streamList(prefix))), await storage.recursiveList(prefix), `streamList('${prefix}')`);
      }
      assert.deepEqual(paths(await collect(storage.streamList("a"))), ["a/b.txt", "a/c/d.txt", "a/c/e/f.txt", "a/g.txt"]);
    });

    t.test("yields in compareKeys order (code points, sub-folders where they sort)", async (storage) => {
      for (const key of UNSORTED) await storage.write(key, key);
      await writeAll(storage, { "o/a!": "1", "o/a/!": "2" });
      const expected = [...SORTED_DEEP, "o/a!", "o/a/!"].sort(compareKeys);
      assert.deepEqual(paths(await collect(storage.streamList("o"))), expected);
    });

    t.test("each entry's size (and mtime, unless marked needsStat) is what stat() says", async (storage) => {
      await writeAll(storage, { "s/empty": "", "s/one": "x", "s/text": "\u00e9\u{1F389}", "s/sub/deep": "deeper" });
      for await (const entry of storage.streamList("s")) {
        const stat = await storage.stat(entry.path);
        assert.equal(entry.size, stat.size, `size of '${entry.path}'`);
        if (entry.needsStat === true) continue;
        const window = Math.max(entry.mtimePrecision ?? 1, stat.mtimePrecision ?? 1);
        assert.ok(Math.abs(entry.mtime.getTime() - stat.mtime.getTime()) < window, `mtime of '${entry.path}' differs from stat()`);
      }
    });

    t.test("is lazy: nothing is read before the first next(), so files written after the call are listed", async (storage) => {
      const listing = storage.streamList("later")[Symbol.asyncIterator]();
      await writeAll(storage, { "later/a": "1", "later/b/c": "2" });
      const first = await listing.next();
      assert.equal(first.done, false, "the files written after streamList() was called must be listed");
      const rest = [first.value as FileStat];
      for (let next = await listing.next(); next.done !== true; next = await listing.next()) rest.push(next.value);
      assert.deepEqual(paths(rest), ["later/a", "later/b/c"]);
    });

    t.test(`lists ${t.settings.largestListing} files and 2 folders completely, and a break part-way leaves the storage working`, async (storage) => {
      const { keys, middle } = await writeMany(storage, t.settings.largestListing);
      const split = Math.floor(keys.length / 2) + 1;
      const deep = [...keys.slice(0, split), `${middle}/inner`, ...keys.slice(split), "many/zz/inner"];
      assert.deepEqual(paths(await collect(storage.streamList("many"))), deep);
      let seen = 0;
      for await (const _ of storage.streamList("many")) if (++seen === 2) break;
      await storage.write("many/after-break", "x");
      await storage.delete("many/after-break");
      assert.deepEqual(await storage.recursiveList("many"), deep);
    });

    t.test("core's walkFiles streams the same entries through list() as recursiveList gives", async (storage) => {
      await writeAll(storage, { ...TREE, ...NEIGHBOURS });
      for (const key of UNSORTED) await storage.write(key, key);
      const walked: string[] = [];
      for await (const entry of walkFiles(basicView(storage), "")) walked.push(entry.path);
      assert.deepEqual(walked, await storage.recursiveList(""));
    });
  });
}
