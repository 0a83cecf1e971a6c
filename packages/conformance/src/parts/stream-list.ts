import assert from "node:assert/strict";
import { compareKeys, mapLimit, walkFiles, type AdvancedSnapshotStorage, type FileStat } from "@stowage/core";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";
import { assertSameTime } from "./mtime.js";
import { NEIGHBOURS, SORTED_DEEP, TREE, UNSORTED, basicView, writeMany } from "./listing.js";

async function collect(listing: AsyncIterable<FileStat>): Promise<FileStat[]> {
  const stats: FileStat[] = [];
  for await (const stat of listing) stats.push(stat);
  return stats;
}

/** Two past times with a millisecond part, for overwrites that must show in listings. */
const FIRST = new Date(Date.UTC(2020, 1, 2, 3, 4, 5, 678));
const SECOND = new Date(Date.UTC(2020, 6, 7, 8, 9, 10, 111));

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

    t.test("each entry's size (and mtime, unless marked needsStat) is what stat() says, overwritten files included", async (storage) => {
      await writeAll(storage, { "s/empty": "", "s/one": "x", "s/text": "\u00e9\u{1F389}", "s/sub/deep": "deeper" });
      // Overwritten with another size and another time: a listing must not keep the first write's stats.
      await storage.write("s/one", "longer now", { mtime: FIRST });
      await storage.write("s/sub/deep", "d", { mtime: FIRST });
      await storage.write("s/one", "longest of all", { mtime: SECOND });
      await storage.write("s/sub/deep", "", { mtime: SECOND });
      const sizes: Record<string, number> = { "s/empty": 0, "s/one": 14, "s/text": 6, "s/sub/deep": 0 };
      for await (const entry of storage.streamList("s")) {
        const stat = await storage.stat(entry.path);
        assert.equal(stat.size, sizes[entry.path], `stat('${entry.path}').size after the last write`);
        assert.equal(entry.size, stat.size, `size of '${entry.path}' in the listing, after the last write`);
        if (entry.path === "s/one" || entry.path === "s/sub/deep") assertSameTime(stat, SECOND, `stat('${entry.path}') after an overwrite`);
        if (entry.needsStat === true) continue;
        const window = Math.max(entry.mtimePrecision ?? 1, stat.mtimePrecision ?? 1);
        assert.ok(Math.abs(entry.mtime.getTime() - stat.mtime.getTime()) < window, `mtime of '${entry.path}' in the listing differs from stat() after the last write`);
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
      assert.deepEqual(paths(await collect(storage.streamList("many"))), deep, "streamList('many'): every page, and no entry of a sibling folder");
      let seen = 0;
      for await (const _ of storage.streamList("many")) if (++seen === 2) break;
      await storage.write("many/after-break", "x");
      await storage.delete("many/after-break");
      assert.deepEqual(await storage.recursiveList("many"), deep);
    });

    t.test("reads as it is consumed, page by page: changes past the first page made after the first entry show", async (storage) => {
      // More files than a page holds, in more folders than a folder walk reads ahead, so the
      // last folder is read only when the listing comes to it.
      const keys = Array.from({ length: t.settings.largestListing }, (_, i) => `pg/d${String(Math.floor(i / 25)).padStart(4, "0")}/f${String(i % 25).padStart(2, "0")}`);
      await mapLimit([...keys, "pg/zz/gone"], 16, (key) => storage.write(key, "x"));
      const listing = storage.streamList("pg")[Symbol.asyncIterator]();
      const first = await listing.next();
      assert.equal(first.done === true ? undefined : first.value.path, keys[0]);
      await storage.delete("pg/zz/gone");
      await storage.write("pg/zz/new", "y");
      const rest: string[] = [];
      for (let next = await listing.next(); next.done !== true; next = await listing.next()) rest.push(next.value.path);
      const tail = rest.slice(-2).join(", ");
      assert.deepEqual(rest.slice(-1), ["pg/zz/new"], `a listing must read its later pages as it comes to them (not all at the first next()): the last entries were ${tail}`);
      assert.deepEqual(rest, [...keys.slice(1), "pg/zz/new"]);
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
