import { describe, expect, it } from "vitest";
import {
  collectBytes,
  copyFile,
  removeFolder,
  type FileStat,
  type SnapshotStorage,
  type SyncCopier,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

/** A map storage that copies natively from another of its kind, counting those copies. */
class NativeMap extends AdvancedMapStorage {
  nativeCopies = 0;
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    if (!(source instanceof NativeMap)) return undefined;
    return {
      copy: async (sourceKey: string, targetKey: string, stat: FileStat) => {
        this.nativeCopies++;
        const file = source.files.get(sourceKey);
        if (file !== undefined) this.files.set(targetKey, { data: file.data, mtime: stat.mtime });
      },
      finish: async () => undefined,
    };
  }
}

/** A map storage with batched deletes, counting the batches. */
class BatchMap extends AdvancedMapStorage {
  batches: number[] = [];
  singles = 0;
  async deleteMany(paths: readonly string[]): Promise<void> {
    this.batches.push(paths.length);
    for (const path of paths) this.files.delete(path);
  }
  override async delete(path: string): Promise<void> {
    this.singles++;
    return super.delete(path);
  }
}

describe("copyFile", () => {
  it("streams between different backends and keeps the modification time", async () => {
    const source = new AdvancedMapStorage();
    const mtime = new Date(1_600_000_000_123);
    await source.write("a", "content", { mtime });
    const target = new AdvancedMapStorage();
    expect(await copyFile(source, "a", target, "b/c")).toEqual({ bytes: 7, native: false });
    expect((await target.stat("b/c")).mtime).toEqual(mtime);
    expect((await collectBytes(await target.read("b/c"))).toString()).toBe("content");
  });

  it("copies natively where the target offers a copier for this source", async () => {
    const source = new NativeMap();
    const target = new NativeMap();
    await source.write("a", "native");
    expect(await copyFile(source, "a", target, "b")).toEqual({ bytes: 6, native: true });
    expect(target.nativeCopies).toBe(1);
  });

  it("copies from a basic tier (no stat) by streaming, and rejects a missing source or a bad key", async () => {
    const source = new MapStorage();
    await source.write("a", "basic");
    const target = new AdvancedMapStorage();
    expect(await copyFile(source, "a", target, "b")).toEqual({ bytes: 5, native: false });
    await expect(copyFile(source, "missing", target, "c")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    await expect(copyFile(source, "a", target, "../c")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
    await expect(copyFile(source, "a", target, "c", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(await target.exists("c")).toBe(false);
  });
});

describe("removeFolder", () => {
  it("deletes 2,500 files in three deleteMany calls where the backend has it, and nothing outside", async () => {
    const storage = new BatchMap();
    for (let i = 0; i < 2500; i++) storage.files.set(`f/${i}`, { data: Buffer.from("x"), mtime: new Date() });
    await storage.write("f0/keep", "1");
    expect(await removeFolder(storage, "f")).toBe(2500);
    expect(storage.batches).toEqual([1000, 1000, 500]);
    expect(storage.singles).toBe(0);
    expect([...storage.files.keys()]).toEqual(["f0/keep"]);
  });

  it("deletes file by file where it has not, and stops on an abort", async () => {
    const storage = new AdvancedMapStorage();
    for (let i = 0; i < 30; i++) await storage.write(`f/${i}`, "x");
    expect(await removeFolder(storage, "f", { concurrency: 4 })).toBe(30);
    expect(storage.files.size).toBe(0);
    await storage.write("g/1", "x");
    await expect(removeFolder(storage, "g", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(storage.files.size).toBe(1);
    await expect(removeFolder(storage, "g", { concurrency: 0 })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
  });
});
