import { createHash, randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import {
  InvalidPathError,
  SnapshotConflictError,
  SnapshotNotFoundError,
  collectBytes,
  isAdvancedSnapshotStorage,
} from "@stowage/core";
import { RedisStorage, type RedisStorageOptions } from "../src/index.js";

/** Where the storages under test connect (a standalone server or a cluster), minus the namespace. */
export type Connect = () => RedisStorageOptions;

const text = async (storage: RedisStorage, path: string) => (await collectBytes(await storage.read(path))).toString();

/** Behaviour RedisStorage must show on any topology; each case uses a fresh namespace. */
export function storageBehaviour(connect: Connect): void {
  const open = (options: RedisStorageOptions = {}) => new RedisStorage({ connectTimeoutMs: 15_000, ...connect(), namespace: randomUUID(), ...options });
  const using = async (options: RedisStorageOptions, body: (storage: RedisStorage) => Promise<void>) => {
    const storage = open(options);
    try {
      await body(storage);
    } finally {
      await storage.close();
    }
  };

  it("is an advanced storage that round-trips files, also empty ones", () =>
    using({}, async (storage) => {
      expect(isAdvancedSnapshotStorage(storage)).toBe(true);
      await storage.write("a/b.txt", "hello");
      await storage.write("empty", "");
      expect(await text(storage, "a/b.txt")).toBe("hello");
      expect(await text(storage, "empty")).toBe("");
      expect(await storage.exists("a/b.txt")).toBe(true);
      expect(await storage.exists("a")).toBe(false);
    }));

  it("stores chunks, never one big value, and streams them back in any chunk size", () =>
    using({ chunkSize: 1000 }, async (storage) => {
      const data = Buffer.from(Array.from({ length: 10_500 }, (_, i) => i % 251));
      // Odd-sized input chunks are re-sliced into 1000-byte stored chunks.
      await storage.streamWrite("big.bin", [data.subarray(0, 333), data.subarray(333, 7000), data.subarray(7000)]);
      const meta = JSON.parse((await storage.client.hget(`{${storage.namespace}}:meta`, "big.bin")) ?? "{}");
      expect(meta.n).toBe(11);
      const stored = await storage.client.hgetallBuffer(`${storage.namespace}:chunks:{${meta.g}}`);
      // Fields 0..10, and the writer's stamp `t` (ms since the epoch) that gc goes by.
      expect(Object.keys(stored).sort()).toEqual([...Array.from({ length: 11 }, (_, i) => String(i)), "t"].sort());
      expect(Number(stored.t?.toString())).toBeGreaterThan(Date.now() - 60_000);
      delete stored.t;
      expect(Math.max(...Object.values(stored).map((chunk) => chunk.byteLength))).toBe(1000);
      const sizes: number[] = [];
      const parts: Uint8Array[] = [];
      for await (const chunk of storage.streamRead("big.bin", { chunkSize: 4096 })) {
        sizes.push(chunk.byteLength);
        parts.push(chunk);
      }
      expect(sizes).toEqual([4096, 4096, 2308]);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    }));

  it("stores what the source yielded even when the source reuses its buffer", () =>
    using({ chunkSize: 4, writeConcurrency: 4 }, async (storage) => {
      const buffer = Buffer.alloc(8);
      function* reusing() {
        for (const letter of "abcdefgh") {
          buffer.fill(letter);
          yield buffer;
        }
      }
      await storage.write("reuse", reusing());
      expect(await text(storage, "reuse")).toBe("abcdefgh".split("").map((letter) => letter.repeat(8)).join(""));
    }));

  it("stats size, mtime and a sha256 etag", () =>
    using({}, async (storage) => {
      const before = Date.now();
      await storage.write("s.txt", "stat me");
      const stat = await storage.stat("s.txt");
      expect(stat.size).toBe(7);
      expect(stat.etag).toBe(createHash("sha256").update("stat me").digest("hex"));
      expect(stat.mtime.getTime()).toBeGreaterThanOrEqual(before - 1000);
      await expect(storage.stat("nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    }));

  it("lists one level by whole segments, in code point order, and everything recursively", () =>
    using({}, async (storage) => {
      const keys = ["snap/a.txt", "snap/sub/x", "snap/sub/deeper/y", "snap/b!", "snapshot2/z", "snap/é", "snap/😀", "snap/\uffff", "top"];
      for (const key of keys) await storage.write(key, key);
      expect(await storage.list("snap")).toEqual(["snap/a.txt", "snap/b!", "snap/sub/", "snap/é", "snap/\uffff", "snap/😀"]);
      expect(await storage.list("snap/")).toEqual(await storage.list("snap"));
      expect(await storage.list("")).toEqual(["snap/", "snapshot2/", "top"]);
      expect(await storage.list("missing")).toEqual([]);
      expect(await storage.recursiveList("snap")).toEqual([
        "snap/a.txt", "snap/b!", "snap/sub/deeper/y", "snap/sub/x", "snap/é", "snap/\uffff", "snap/😀",
      ]);
      expect(await storage.recursiveList("")).toHaveLength(keys.length);
    }));

  it("lists folders with more entries than one page", () =>
    using({}, async (storage) => {
      const names = Array.from({ length: 1203 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
      // 100 writes at a time, so that CI's load cannot push the last past the command timeout.
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map((name, j) => storage.write((i + j) % 2 ? name : `${name}/inner`, "x")));
      }
      const listed = await storage.list("many");
      expect(listed).toHaveLength(1203);
      expect(listed[1]).toBe("many/00001");
      expect(listed[0]).toBe("many/00000/");
      expect(await storage.recursiveList("many")).toHaveLength(1203);
    }));

  it("rejects file/folder conflicts and leaves the catalogue unchanged", () =>
    using({}, async (storage) => {
      await storage.write("a/b", "1");
      await expect(storage.write("a", "2")).rejects.toBeInstanceOf(SnapshotConflictError);
      await expect(storage.write("a/b/c", "3")).rejects.toBeInstanceOf(SnapshotConflictError);
      await storage.write("f", "file");
      await expect(storage.atomicMove("f", "a")).rejects.toBeInstanceOf(SnapshotConflictError);
      expect(await storage.recursiveList("")).toEqual(["a/b", "f"]);
      // No staged content was left behind by the rejected writes.
      expect(await storage.client.hlen(`{${storage.namespace}}:refs`)).toBe(2);
    }));

  it("decides racing file/folder writes atomically: exactly one wins", () =>
    using({}, async (storage) => {
      const results = await Promise.allSettled([storage.write("race", "file"), storage.write("race/child", "nested")]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const listed = await storage.recursiveList("");
      expect(listed.length).toBe(1);
    }));

  it("keeps the old content when the new content fails half-way", () =>
    using({ chunkSize: 4 }, async (storage) => {
      await storage.write("k", "old content");
      async function* failing() {
        yield Buffer.from("new new new");
        throw new Error("source broke");
      }
      await expect(storage.write("k", failing())).rejects.toThrow("source broke");
      await expect(storage.write("fresh", failing())).rejects.toThrow("source broke");
      expect(await text(storage, "k")).toBe("old content");
      expect(await storage.exists("fresh")).toBe(false);
    }));

  it("serves a reader that started before an overwrite the old version whole", () =>
    using({ chunkSize: 2, readBatch: 1 }, async (storage) => {
      await storage.write("v", "old-old-old");
      const reader = storage.streamRead("v")[Symbol.asyncIterator]();
      const first = await reader.next();
      await storage.write("v", "NEW-NEW-NEW");
      const rest: Uint8Array[] = [first.value as Uint8Array];
      for (let step = await reader.next(); !step.done; step = await reader.next()) rest.push(step.value);
      expect(Buffer.concat(rest).toString()).toBe("old-old-old");
      expect(await text(storage, "v")).toBe("NEW-NEW-NEW");
    }));

  it("moves atomically, replacing the destination, and moving onto itself does nothing", () =>
    using({}, async (storage) => {
      await storage.write("m/src", "moved");
      await storage.write("m/dst", "replaced");
      await storage.atomicMove("m/src", "m/dst");
      expect(await storage.recursiveList("m")).toEqual(["m/dst"]);
      expect(await text(storage, "m/dst")).toBe("moved");
      await storage.atomicMove("m/dst", "m/dst");
      expect(await text(storage, "m/dst")).toBe("moved");
      await expect(storage.atomicMove("m/none", "m/x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
      await expect(storage.atomicMove("m/none", "m/none")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    }));

  it("deletes files idempotently, folders not at all", () =>
    using({}, async (storage) => {
      await storage.write("d/x", "1");
      await storage.delete("d");
      await storage.delete("d/missing");
      expect(await storage.exists("d/x")).toBe(true);
      await storage.delete("d/x");
      await storage.delete("d/x");
      expect(await storage.list("")).toEqual([]);
      await expect(storage.read("d/x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    }));

  it("rejects bad keys before any I/O", () =>
    using({}, async (storage) => {
      for (const key of ["", "/abs", "a//b", "../x", "a\\b", "nul\u0000"]) {
        await expect(storage.write(key, "x")).rejects.toBeInstanceOf(InvalidPathError);
        await expect(storage.read(key)).rejects.toBeInstanceOf(InvalidPathError);
      }
      await expect(storage.list("/")).rejects.toBeInstanceOf(InvalidPathError);
      expect(await storage.recursiveList("")).toEqual([]);
    }));

  it("syncs by sharing content: copies, skips identical files, deletes extraneous ones", () =>
    using({}, async (storage) => {
      const mtime = new Date("2025-01-01T00:00:00.000Z");
      await storage.write("src/a", "A", { mtime });
      await storage.write("src/d/b", "B");
      await storage.write("dst/a", "A", { mtime });
      await storage.write("dst/old", "gone");
      const events: string[] = [];
      const report = await storage.sync("src", "dst", { onProgress: (event) => events.push(`${event.action}:${event.path}`) });
      expect(report).toMatchObject({ copied: 1, skipped: 1, deleted: 1 });
      expect(events.sort()).toEqual(["copy:d/b", "delete:old", "skip:a"]);
      expect(await storage.recursiveList("dst")).toEqual(["dst/a", "dst/d/b"]);
      // The copy shares the source's content: overwriting the source leaves the copy intact.
      await storage.write("src/d/b", "B2");
      expect(await text(storage, "dst/d/b")).toBe("B");
      expect((await storage.stat("dst/d/b")).etag).toBe(createHash("sha256").update("B").digest("hex"));
    }));
}

