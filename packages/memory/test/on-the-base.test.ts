import { describe, expect, it } from "vitest";
import { BlobBackend, isStowageError } from "@stowage/core";
import { MemoryStorage } from "../src/index.js";

/**
 * Issue 22: MemoryStorage stands on core's BlobBackend and keeps its synchronous bytes fast path;
 * the base's checks run in front of that path as they do in front of every primitive.
 */
describe("MemoryStorage on BlobBackend", () => {
  it("is a BlobBackend", () => {
    expect(new MemoryStorage()).toBeInstanceOf(BlobBackend);
  });

  it("rejects an invalid mtime on bytes and strings with E_INVALID_OPTIONS and stores nothing", async () => {
    const storage = new MemoryStorage();
    for (const content of [Buffer.from("bytes"), "text"]) {
      expect(await codeOf(storage.write("f", content, { mtime: new Date(Number.NaN) }))).toBe("E_INVALID_OPTIONS");
      expect(await storage.exists("f")).toBe(false);
    }
  });

  it("rejects bytes under an aborted signal with E_ABORTED and stores nothing", async () => {
    const storage = new MemoryStorage();
    expect(await codeOf(storage.write("f", Buffer.from("x"), { signal: AbortSignal.abort() }))).toBe("E_ABORTED");
    expect(await storage.exists("f")).toBe(false);
  });

  it("answers exists, and stat with the MD5 etag", async () => {
    const storage = new MemoryStorage();
    await storage.write("a/b", "hello");
    expect(await storage.exists("a/b")).toBe(true);
    expect(await storage.exists("a")).toBe(false);
    expect((await storage.stat("a/b")).etag).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(await codeOf(storage.stat("a"))).toBe("E_NOT_FOUND");
  });

  it("rejects a bad key on the fast paths before touching the store", async () => {
    const storage = new MemoryStorage();
    for (const call of [() => storage.write("../x", "x"), () => storage.stat("/x"), () => storage.exists("a//b")]) {
      expect(await codeOf(call())).toBe("E_INVALID_PATH");
    }
    expect(await storage.recursiveList("")).toEqual([]);
  });
});

/** The stowage error code `pending` rejects with (`undefined` when it resolves or rejects otherwise). */
async function codeOf(pending: Promise<unknown>): Promise<string | undefined> {
  try {
    await pending;
  } catch (error) {
    return isStowageError(error) ? error.code : undefined;
  }
  return undefined;
}
