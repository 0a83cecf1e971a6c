import { describe, expect, it } from "vitest";
import {
  ContentTooLargeError,
  bufferContent,
  checkFileFolderConflict,
  compareKeys,
  fileFolderConflict,
  flatFolderExists,
  folderKeyRange,
  inKeyRange,
  isStowageError,
  isValidKey,
  listFlatKeys,
  listFlatLevel,
  sortedKeysReader,
  type SortedKeyReader,
} from "../../src/index.js";

/** A reader over a sorted array that hands out `pageSize` keys per call and counts its calls. */
function arrayReader(keys: string[], pageSize: number): SortedKeyReader & { calls: number; limits: number[] } {
  const sorted = [...keys].sort(compareKeys);
  const read = ((from: string, end: string | undefined, limit: number) => {
    read.calls++;
    read.limits.push(limit);
    return sorted.filter((key) => compareKeys(key, from) >= 0 && (end === undefined || compareKeys(key, end) < 0)).slice(0, Math.min(pageSize, limit));
  }) as unknown as SortedKeyReader & { calls: number; limits: number[] };
  read.calls = 0;
  read.limits = [];
  return read;
}

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of source) out.push(item);
  return out;
}

const KEYS = ["a", "b/1", "b/2", "b/c/3", "b.txt", "b0", "snap/x", "snapshot2/y", "z/🎉/1", "z/\uFFFD"];

describe("flat-key listing helpers", () => {
  it("folderKeyRange covers the subtree and nothing else", () => {
    const range = folderKeyRange("snap");
    expect(range).toEqual({ start: "snap/", end: "snap0" });
    expect(inKeyRange("snap/x", range)).toBe(true);
    expect(inKeyRange("snapshot2/y", range)).toBe(false);
    expect(inKeyRange("snap", range)).toBe(false);
    expect(folderKeyRange("")).toEqual({ start: "", end: undefined });
  });

  for (const pageSize of [1, 2, 1000]) {
    it(`lists one level in compareKeys order with pages of ${pageSize}`, async () => {
      expect(await collect(listFlatLevel("", arrayReader(KEYS, pageSize)))).toEqual(["a", "b.txt", "b/", "b0", "snap/", "snapshot2/", "z/"]);
      expect(await collect(listFlatLevel("b", arrayReader(KEYS, pageSize)))).toEqual(["b/1", "b/2", "b/c/"]);
      expect(await collect(listFlatLevel("z", arrayReader(KEYS, pageSize)))).toEqual(["z/\uFFFD", "z/🎉/"]);
      expect(await collect(listFlatLevel("snap", arrayReader(KEYS, pageSize)))).toEqual(["snap/x"]);
      expect(await collect(listFlatLevel("missing", arrayReader(KEYS, pageSize)))).toEqual([]);
    });

    it(`lists every key of a subtree with pages of ${pageSize}`, async () => {
      expect(await collect(listFlatKeys("b", arrayReader(KEYS, pageSize)))).toEqual(["b/1", "b/2", "b/c/3"]);
      expect(await collect(listFlatKeys("", arrayReader(KEYS, pageSize)))).toEqual([...KEYS].sort(compareKeys));
    });
  }

  it("jumps past a deep sub-folder instead of paging through it", async () => {
    const keys = ["d/a", ...Array.from({ length: 500 }, (_, i) => `d/deep/${String(i).padStart(3, "0")}`), "d/z"];
    const read = arrayReader(keys, 10);
    expect(await collect(listFlatLevel("d", read))).toEqual(["d/a", "d/deep/", "d/z"]);
    expect(read.calls).toBeLessThanOrEqual(3);
  });

  it("asks for small pages once pages end inside large sub-folders, and for full ones again on files", async () => {
    const keys = [...Array.from({ length: 300 }, (_, i) => `d/a${String(i).padStart(3, "0")}/x`), ...Array.from({ length: 5 }, (_, i) => `d/b${i}/${"y".repeat(3)}`)];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 2000; j++) keys.push(`d/c${i}/${j}`);
    const read = arrayReader(keys, 1000);
    const entries = await collect(listFlatLevel("d", read));
    expect(entries).toHaveLength(310);
    expect(read.limits[0]).toBe(256);
    expect(Math.min(...read.limits)).toBe(16);
  });

  it("reads nothing past the first key when asked whether a folder exists", async () => {
    const read = arrayReader(KEYS, 1);
    expect(await flatFolderExists("b", read)).toBe(true);
    expect(read.calls).toBe(1);
    expect(await flatFolderExists("b.txt", arrayReader(KEYS, 1))).toBe(false);
  });

  it("applies the file/folder conflict rule, synchronously and asynchronously", async () => {
    const files = new Set(["a", "b/c"]);
    const kinds = { isFile: (key: string) => files.has(key), isFolder: (key: string) => [...files].some((f) => f.startsWith(`${key}/`)) };
    expect(fileFolderConflict("a/x", kinds)).toBe("'a' is a file");
    expect(fileFolderConflict("b", kinds)).toBe("a folder exists at this path");
    expect(fileFolderConflict("b/d", kinds)).toBeUndefined();
    const failure = await checkFileFolderConflict("a/x/y", kinds).catch((error: unknown) => error);
    expect(isStowageError(failure, "E_CONFLICT")).toBe(true);
    await expect(checkFileFolderConflict("c", kinds)).resolves.toBeUndefined();
  });
});

describe("bufferContent", () => {
  it("returns the whole content within the cap", async () => {
    expect((await bufferContent("k", ["ab", "cd"].map((s) => Buffer.from(s)), 4)).toString()).toBe("abcd");
  });

  it("stops reading past the cap with ContentTooLargeError", async () => {
    let pulled = 0;
    function* chunks(): Generator<Uint8Array> {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield new Uint8Array(3);
      }
    }
    const failure = await bufferContent("k", chunks(), 5).catch((error: unknown) => error);
    expect(isStowageError(failure, "E_TOO_LARGE")).toBe(true);
    expect(failure).toBeInstanceOf(ContentTooLargeError);
    expect((failure as ContentTooLargeError).limit).toBe(5);
    expect(pulled).toBe(2);
  });
});

describe("sortedKeysReader", () => {
  it("pages through sorted keys from any starting key", async () => {
    const read = sortedKeysReader(["a", "b/1", "b/2", "c"], 2);
    expect(read("b")).toEqual(["b/1", "b/2"]);
    expect(read("b", undefined, 1)).toEqual(["b/1"]);
    expect(read("b/2\u0000")).toEqual(["c"]);
    expect(await collect(listFlatLevel("", read))).toEqual(["a", "b/", "c"]);
  });
});

describe("isValidKey", () => {
  it("agrees with validateKey", () => {
    expect(isValidKey("a/b")).toBe(true);
    expect(isValidKey("a//b")).toBe(false);
    expect(isValidKey(42)).toBe(false);
  });
});
