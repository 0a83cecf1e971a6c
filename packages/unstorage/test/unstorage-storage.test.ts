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
} from "@stowage/core";
import { MemoryStorage } from "@stowage/memory";
import { createStorage } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import memoryDriver from "unstorage/drivers/memory";
import { UnstorageStorage, decodeKey, encodeKey } from "../src/index.js";

async function failure(action: () => Promise<unknown>): Promise<unknown> {
  return action().then(
    () => undefined,
    (error: unknown) => error,
  );
}

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("UnstorageStorage", () => {
  it("claims the basic tier and never the advanced one: unstorage has no streams and no atomic move", async () => {
    const storage = new UnstorageStorage(memoryDriver());
    expect(isSnapshotStorage(storage)).toBe(true);
    expect(isAdvancedSnapshotStorage(storage)).toBe(false);
    const error = await failure(async () => requiresAdvancedStorage(storage, "atomicMove"));
    expect(isStowageError(error, "E_CAPABILITY")).toBe(true);
  });

  it("refuses content past maxBufferBytes with E_TOO_LARGE and writes nothing", async () => {
    const storage = new UnstorageStorage(memoryDriver(), { maxBufferBytes: 10 });
    await storage.write("a", "old");
    let pulled = 0;
    async function* big(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new Uint8Array(4);
      }
    }
    const error = await failure(() => storage.write("a", big()));
    expect(isStowageError(error, "E_TOO_LARGE")).toBe(true);
    expect(pulled).toBe(3);
    expect((await collectBytes(await storage.read("a"))).toString()).toBe("old");
    expect(isStowageError(await failure(() => storage.write("b", new Uint8Array(11))), "E_TOO_LARGE")).toBe(true);
    expect(await storage.exists("b")).toBe(false);
    await storage.write("b", new Uint8Array(10));
    expect(await storage.exists("b")).toBe(true);
  });

  it("rejects a cap that is not a positive integer", () => {
    let error: unknown;
    try {
      new UnstorageStorage(memoryDriver(), { maxBufferBytes: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
  });

  it("keeps keys apart that unstorage's normalisation would merge", async () => {
    const storage = new UnstorageStorage(createStorage({ driver: memoryDriver() }));
    const keys = ["q/a:b", "q/a%3Ab", "q/a?b", "q/a?c", "q/a$", "q/a.", "q/a", "q/b/c"];
    for (const key of keys) await storage.write(key, key);
    for (const key of keys) expect((await collectBytes(await storage.read(key))).toString()).toBe(key);
    expect(await storage.list("q")).toEqual(["q/a", "q/a$", "q/a%3Ab", "q/a.", "q/a:b", "q/a?b", "q/a?c", "q/b/"]);
    expect(new Set(keys.map(encodeKey)).size).toBe(keys.length);
    for (const key of keys) expect(decodeKey(encodeKey(key))).toBe(key);
  });

  it("shows keys stored through unstorage directly under the stowage key they spell, and leaves out the rest", async () => {
    const unstorage = createStorage({ driver: memoryDriver() });
    await unstorage.setItem("docs:readme.md", "hello");
    await unstorage.setItemRaw("docs:img:logo.png", new Uint8Array([1, 2, 3]));
    await unstorage.setItem("docs:50%off", "not in the escaped form");
    const storage = new UnstorageStorage(unstorage);
    expect(await storage.list("docs")).toEqual(["docs/img/", "docs/readme.md"]);
    expect((await collectBytes(await storage.read("docs/readme.md"))).toString()).toBe("hello");
    expect([...(await collectBytes(await storage.read("docs/img/logo.png")))]).toEqual([1, 2, 3]);
  });

  it("on the fs driver, leaves no temporary files or empty folders behind", async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "stowage-unstorage-fs-"));
    temporary.push(base);
    const storage = new UnstorageStorage(fsDriver({ base }));
    await storage.write("a/b/c.txt", "1");
    await storage.write("a/d.txt", "2");
    expect(readdirSync(path.join(base, "a")).sort()).toEqual(["b", "d.txt"]);
    await storage.delete("a/b/c.txt");
    expect(readdirSync(path.join(base, "a"))).toEqual(["d.txt"]);
    await storage.delete("a/d.txt");
    expect(readdirSync(base)).toEqual([]);
    await storage.write("a", "a file where the folder was");
    expect(await storage.exists("a")).toBe(true);
  });

  it("mirrors an unstorage mount into another stowage storage with syncStorages, and back", async () => {
    const mount = new UnstorageStorage(createStorage({ driver: memoryDriver() }));
    await mount.write("site/index.html", "<h1>hi</h1>");
    await mount.write("site/img/a.png", new Uint8Array([9]));
    const local = new MemoryStorage();
    const out = await syncStorages(mount, "site", local, "backup");
    expect(out.copied).toBe(2);
    expect(await local.recursiveList("backup")).toEqual(["backup/img/a.png", "backup/index.html"]);
    await local.write("backup/new.txt", "from the backup");
    const back = await syncStorages(local, "backup", mount, "site");
    expect(back.copied).toBe(1);
    expect((await collectBytes(await mount.read("site/new.txt"))).toString()).toBe("from the backup");
  });
});
