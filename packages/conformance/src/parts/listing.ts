import assert from "node:assert/strict";
import { compareKeys, recursiveList, mapLimit, type AdvancedSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";
import { TRICKY_KEYS } from "./keys.js";

/** A small tree used by the listing tests. */
export const TREE = {
  "a/b.txt": "1",
  "a/c/d.txt": "2",
  "a/c/e/f.txt": "3",
  "a/g.txt": "4",
  "top.txt": "5",
  "z/1": "6",
};

/** Siblings that share a string prefix but not a path segment. */
export const NEIGHBOURS = {
  "snap/a.txt": "1",
  "snapshot2/b.txt": "2",
  "snap.txt": "3",
  "snap-x/c": "4",
  "sna/d": "5",
  "deep/snap/e": "6",
  "deep/snapshot2/f": "7",
};

/** Names whose code-point order differs from UTF-16 order and from naive orders. */
export const UNSORTED = ["o/b", "o/\u{1F389}", "o/a/x", "o/B", "o/a.txt", "o/\uFF61", "o/a-b", "o/é", "o/10", "o/9", "o/a0"];
/** Their {@link compareKeys} order, spelled out so that a wrong comparator cannot agree with itself. */
const SORTED_LIST = ["o/10", "o/9", "o/B", "o/a-b", "o/a.txt", "o/a/", "o/a0", "o/b", "o/é", "o/\uFF61", "o/\u{1F389}"];
export const SORTED_DEEP = ["o/10", "o/9", "o/B", "o/a-b", "o/a.txt", "o/a/x", "o/a0", "o/b", "o/é", "o/\uFF61", "o/\u{1F389}"];

/**
 * Sibling folders just before and just after `many/` in {@link compareKeys} order (`-` and `0`
 * sort around `/`): a listing that runs past its folder's last page lists them.
 */
export const MANY_SIBLINGS = ["man/y", "many-before/x", "many0/after", "manz/after"];

/**
 * Writes `count` files into `many/`, plus two sub-folders, one of them sorted among the files,
 * and the {@link MANY_SIBLINGS} around it.
 */
export async function writeMany(storage: SnapshotStorage, count: number): Promise<{ keys: string[]; middle: string }> {
  const keys = Array.from({ length: count }, (_, i) => `many/f${String(i).padStart(6, "0")}`);
  const middle = `${keys[Math.floor(count / 2)] ?? "many/f"}x`;
  await mapLimit([...keys, `${middle}/inner`, "many/zz/inner", ...MANY_SIBLINGS], 16, (key) => storage.write(key, "x"));
  return { keys, middle };
}

/** `list`: one level, folders as `prefix/sub/`, whole segments, sorted. */
export function listingTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("list", () => {
    t.test("lists one level: files as full keys, sub-folders as 'prefix/sub/'", async (storage) => {
      await writeAll(storage, TREE);
      assert.deepEqual(await storage.list(""), ["a/", "top.txt", "z/"]);
      assert.deepEqual(await storage.list("a"), ["a/b.txt", "a/c/", "a/g.txt"]);
      assert.deepEqual(await storage.list("a/c"), ["a/c/d.txt", "a/c/e/"]);
      assert.deepEqual(await storage.list("a/c/e"), ["a/c/e/f.txt"]);
    });

    t.test("core's deep walk through list ends, in compareKeys order (a folder never lists itself)", async (storage) => {
      await writeAll(storage, { ...TREE, ...NEIGHBOURS });
      for (const key of UNSORTED) await storage.write(key, key);
      const expected = [...Object.keys(TREE), ...Object.keys(NEIGHBOURS), ...UNSORTED].sort(compareKeys);
      assert.deepEqual(await recursiveList(basicView(storage), ""), expected);
    });

    t.test("a trailing slash names the same folder", async (storage) => {
      await writeAll(storage, TREE);
      assert.deepEqual(await storage.list("a/"), await storage.list("a"));
      assert.deepEqual(await storage.list("a/c/"), ["a/c/d.txt", "a/c/e/"]);
    });

    t.test("prefixes match whole segments: 'snap' never shows 'snapshot2/'", async (storage) => {
      await writeAll(storage, NEIGHBOURS);
      assert.deepEqual(await storage.list("snap"), ["snap/a.txt"]);
      assert.deepEqual(await storage.list("snap/"), ["snap/a.txt"]);
      assert.deepEqual(await storage.list("sna"), ["sna/d"]);
      assert.deepEqual(await storage.list("deep/snap"), ["deep/snap/e"]);
      assert.deepEqual(await storage.list(""), ["deep/", "sna/", "snap-x/", "snap.txt", "snap/", "snapshot2/"]);
    });

    t.test("glob, regex and SQL wildcard characters in prefixes are literal", async (storage) => {
      const names = ["g*", "gx", "g?", "g[a]", "ga", "g.+", "g.b", "g%", "g_", "gy"];
      for (const name of names) await storage.write(`${name}/file`, name);
      for (const name of names) assert.deepEqual(await storage.list(name), [`${name}/file`], `list('${name}')`);
    });

    t.test("a missing folder, a file key and an empty storage list as []", async (storage) => {
      assert.deepEqual(await storage.list(""), []);
      await storage.write("a/file", "x");
      assert.deepEqual(await storage.list("nope"), []);
      assert.deepEqual(await storage.list("a/file"), [], "a file is not a folder");
      assert.deepEqual(await storage.list("a/fil"), []);
    });

    t.test("sorted by code point (compareKeys), not by UTF-16 unit or case", async (storage) => {
      for (const key of UNSORTED) await storage.write(key, key);
      assert.deepEqual(await storage.list("o"), SORTED_LIST);
    });

    t.test("folders vanish with their last file", async (storage) => {
      await writeAll(storage, { "v/w/x": "1", "v/w/y": "2", "v/keep": "3" });
      await storage.delete("v/w/x");
      assert.deepEqual(await storage.list("v"), ["v/keep", "v/w/"]);
      await storage.delete("v/w/y");
      assert.deepEqual(await storage.list("v"), ["v/keep"]);
      assert.deepEqual(await storage.list("v/w"), []);
      await storage.delete("v/keep");
      assert.deepEqual(await storage.list(""), []);
    });

    t.test("a folder shows once however many files it holds", async (storage) => {
      await mapLimit(Array.from({ length: 30 }, (_, i) => `f/sub/${i}`), 8, (key) => storage.write(key, "x"));
      assert.deepEqual(await storage.list("f"), ["f/sub/"]);
    });

    t.test(`a folder of ${t.settings.largestListing} files and 2 folders lists completely, in order, and nothing of the folders beside it`, async (storage) => {
      const { keys, middle } = await writeMany(storage, t.settings.largestListing);
      const split = Math.floor(keys.length / 2) + 1;
      const expected = [...keys.slice(0, split), `${middle}/`, ...keys.slice(split), "many/zz/"];
      assert.deepEqual(await storage.list("many"), expected, "list('many'): every page, and no entry of a sibling folder");
      if (t.settings.advanced) {
        const deep = [...keys.slice(0, split), `${middle}/inner`, ...keys.slice(split), "many/zz/inner"];
        assert.deepEqual(await (storage as AdvancedSnapshotStorage).recursiveList("many"), deep, "recursiveList('many'): every page, and no entry of a sibling folder");
      }
    });
  });
}

/** `recursiveList`: every file at any depth, the same boundaries and order as `list`. */
export function recursiveListTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("recursiveList", () => {
    t.test("lists every file below a folder, at any depth", async (storage) => {
      await writeAll(storage, TREE);
      assert.deepEqual(await storage.recursiveList("a"), ["a/b.txt", "a/c/d.txt", "a/c/e/f.txt", "a/g.txt"]);
      assert.deepEqual(await storage.recursiveList("a/"), ["a/b.txt", "a/c/d.txt", "a/c/e/f.txt", "a/g.txt"]);
      assert.deepEqual(await storage.recursiveList(""), ["a/b.txt", "a/c/d.txt", "a/c/e/f.txt", "a/g.txt", "top.txt", "z/1"]);
      assert.deepEqual(await storage.recursiveList("a/c/e"), ["a/c/e/f.txt"]);
    });

    t.test("prefixes match whole segments", async (storage) => {
      await writeAll(storage, NEIGHBOURS);
      assert.deepEqual(await storage.recursiveList("snap"), ["snap/a.txt"]);
      assert.deepEqual(await storage.recursiveList("deep/snap"), ["deep/snap/e"]);
      assert.deepEqual(await storage.recursiveList("sna"), ["sna/d"]);
    });

    t.test("sorted by code point (compareKeys)", async (storage) => {
      for (const key of UNSORTED) await storage.write(key, key);
      assert.deepEqual(await storage.recursiveList("o"), SORTED_DEEP);
    });

    t.test("a missing folder and a file key list as []", async (storage) => {
      assert.deepEqual(await storage.recursiveList(""), []);
      await storage.write("a/file", "x");
      assert.deepEqual(await storage.recursiveList("nope"), []);
      assert.deepEqual(await storage.recursiveList("a/file"), []);
    });

    t.test("lists tricky keys (U+FFFD, emoji, '%', spaces) exactly as written, at any depth, as streamList does", async (storage) => {
      for (const key of TRICKY_KEYS) await storage.write(key, key);
      const sorted = [...TRICKY_KEYS].sort(compareKeys);
      assert.deepEqual(await storage.recursiveList(""), sorted, "recursiveList('') must list every key exactly as written");
      const streamed: string[] = [];
      for await (const stat of storage.streamList("")) streamed.push(stat.path);
      assert.deepEqual(streamed, sorted, "streamList('') must yield every key exactly as written");
      const replacement = sorted.filter((key) => key.startsWith("replacement/"));
      assert.deepEqual(await storage.recursiveList("replacement"), replacement, "keys holding U+FFFD below a folder");
    });

    t.test("agrees with a walk of list", async (storage) => {
      await writeAll(storage, { ...TREE, ...NEIGHBOURS });
      // core's walk refuses a listing that holds its own folder, where a plain walk would loop forever.
      assert.deepEqual(await storage.recursiveList(""), await recursiveList(basicView(storage), ""));
    });
  });
}

/** The basic-tier face of a storage, so that core walks it through `list` alone. */
export function basicView(storage: SnapshotStorage): SnapshotStorage {
  return {
    read: (key) => storage.read(key),
    write: (key, content, options) => storage.write(key, content, options),
    list: (prefix) => storage.list(prefix),
    delete: (key) => storage.delete(key),
    exists: (key) => storage.exists(key),
  };
}
