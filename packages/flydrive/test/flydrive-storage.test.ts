import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  collectBytes,
  isAdvancedSnapshotStorage,
  isSnapshotStorage,
  isStowageError,
  requiresAdvancedStorage,
  syncStorages,
  type SnapshotStorage,
} from "@stowage/core";
import { MemoryStorage } from "@stowage/memory";
import { Disk } from "flydrive";
import { FSDriver } from "flydrive/drivers/fs";
import { FlydriveStorage, decodeKey, encodeKey } from "../src/index.js";
import { useS3Disks } from "./disks.js";

async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function text(storage: SnapshotStorage, key: string): Promise<string> {
  return (await collectBytes(await storage.read(key))).toString();
}

const folders: string[] = [];
function fsDisk(): { disk: Disk; location: string } {
  const location = mkdtempSync(path.join(os.tmpdir(), "stowage-flydrive-"));
  folders.push(location);
  return { disk: new Disk(new FSDriver({ location, visibility: "private" })), location };
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const s3Disk = useS3Disks();

describe("FlydriveStorage capability", () => {
  it("is the basic tier, never the advanced one, on the fs and S3 drivers (neither moves atomically)", async () => {
    for (const storage of [new FlydriveStorage(fsDisk().disk), new FlydriveStorage(s3Disk())]) {
      expect(isSnapshotStorage(storage)).toBe(true);
      expect(isAdvancedSnapshotStorage(storage)).toBe(false);
      const error = await failure(() => requiresAdvancedStorage(storage, "atomicMove"));
      expect(isStowageError(error, "E_CAPABILITY")).toBe(true);
    }
  });

  it("rejects something that is not a Disk with E_INVALID_OPTIONS", async () => {
    expect(isStowageError(await failure(() => new FlydriveStorage({} as Disk)), "E_INVALID_OPTIONS")).toBe(true);
    expect(isStowageError(await failure(() => new FlydriveStorage(fsDisk().disk, { maxBufferBytes: -1 })), "E_INVALID_OPTIONS")).toBe(true);
  });
});

describe("FlydriveStorage keys", () => {
  it("stores every key in flydrive's alphabet, one-to-one, and reads back only what it stores", () => {
    expect(encodeKey("reports/Q3 summary.pdf")).toBe("reports/Q3 summary.pdf");
    expect(encodeKey("a:b/.hidden/x.")).toBe("a!3Ab/!2Ehidden/x!2E");
    expect(encodeKey("日本語/a  b")).toBe("!-wgv71a119e/a!20!20b");
    for (const key of ["a!b", "a!21b", "...", "a..b", " x", "ünïcödé", "🎉!-", "!-wgv71a119e"]) expect(decodeKey(encodeKey(key))).toBe(key);
    expect(new Set(["a!b", "a!21b", "!-wgv71a119e", "日本語"].map(encodeKey)).size).toBe(4);
    expect(decodeKey("a!2")).toBeUndefined();
    expect(decodeKey("a  b")).toBeUndefined();
  });

  it("refuses a key whose stored form would pass 255 bytes in a segment, with InvalidPathError, storing nothing", async () => {
    const storage = new FlydriveStorage(fsDisk().disk);
    const key = `k/${":".repeat(100)}`; // 100 bytes, valid; stored as 300
    expect(isStowageError(await failure(() => storage.write(key, "x")), "E_INVALID_PATH")).toBe(true);
    expect(isStowageError(await failure(() => storage.exists(key)), "E_INVALID_PATH")).toBe(true);
    expect(await storage.list("")).toEqual([]);
  });

  it("passes over files it did not write in its form, and shows those it can address", async () => {
    const { disk } = fsDisk();
    await disk.put("docs/readme.md", "hello");
    await disk.put("docs/My Photo.jpg", "jpg");
    await disk.put("docs/x!zz", "not an escape");
    const storage = new FlydriveStorage(disk);
    expect(await storage.list("docs")).toEqual(["docs/My Photo.jpg", "docs/readme.md"]);
    expect(await text(storage, "docs/readme.md")).toBe("hello");
  });
});

describe("FlydriveStorage writes", () => {
  it("on S3, refuses content past maxBufferBytes with E_TOO_LARGE and keeps the old object", async () => {
    const storage = new FlydriveStorage(s3Disk(), { maxBufferBytes: 8 });
    await storage.write("a", "old");
    expect(isStowageError(await failure(() => storage.write("a", "123456789")), "E_TOO_LARGE")).toBe(true);
    expect(await text(storage, "a")).toBe("old");
  });

  it("on fs, streams with no cap, and leaves no temporary files or empty folders", async () => {
    const { disk, location } = fsDisk();
    const storage = new FlydriveStorage(disk, { maxBufferBytes: 8 });
    await storage.write("a/b/c.txt", "more than eight bytes");
    await storage.write("a/d.txt", "2");
    expect(readdirSync(path.join(location, "a")).sort()).toEqual(["b", "d.txt"]);
    await storage.delete("a/b/c.txt");
    await storage.delete("a/d.txt");
    expect(readdirSync(location)).toEqual([]);
  });
});

describe("FlydriveStorage with syncStorages", () => {
  it("mirrors a flydrive disk into another stowage storage, and back", async () => {
    const disk = new FlydriveStorage(s3Disk());
    await disk.write("uploads/avatars/1.png", new Uint8Array([1, 2]));
    await disk.write("uploads/notes.txt", "n");
    const local = new MemoryStorage();
    expect((await syncStorages(disk, "uploads", local, "mirror")).copied).toBe(2);
    expect(await local.recursiveList("mirror")).toEqual(["mirror/avatars/1.png", "mirror/notes.txt"]);
    await local.delete("mirror/notes.txt");
    const back = await syncStorages(local, "mirror", disk, "uploads");
    expect(back.deleted).toBe(1);
    expect(await disk.list("uploads")).toEqual(["uploads/avatars/"]);
  });
});
