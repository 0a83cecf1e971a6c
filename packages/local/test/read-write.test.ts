import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InvalidPathError,
  SnapshotConflictError,
  SnapshotNotFoundError,
  collectBytes,
  isAdvancedSnapshotStorage,
  InvalidOptionsError,
  compareKeys,
  syncStorages,
} from "@stowage/core";
import { LocalFileSystemBackend, TEMP_PREFIX } from "../src/index.js";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

describe("LocalFileSystemBackend basics", () => {
  it("is an advanced storage that creates its location", () => {
    expect(isAdvancedSnapshotStorage(box.storage)).toBe(true);
    expect(existsSync(box.root)).toBe(true);
    expect(box.storage.location).toBe(box.root);
  });

  it("round-trips strings, bytes, iterables and Readables as plain files", async () => {
    await box.storage.write("a/s.txt", "hello");
    await box.storage.write("a/b.bin", new Uint8Array([1, 2, 3]));
    await box.storage.write("a/c/it", [Buffer.from("x"), Buffer.from("yz")]);
    await box.storage.write("r", Readable.from([Buffer.from("from a stream")]));
    expect(readFileSync(path.join(box.root, "a", "s.txt"), "utf8")).toBe("hello");
    expect(await readText(box.storage, "a/c/it")).toBe("xyz");
    expect([...(await collectBytes(await box.storage.read("a/b.bin")))]).toEqual([1, 2, 3]);
    expect(await readText(box.storage, "r")).toBe("from a stream");
    expect(await box.storage.list("")).toEqual(["a/", "r"]);
    expect(await box.storage.list("a")).toEqual(["a/b.bin", "a/c/", "a/s.txt"]);
    expect(await box.storage.recursiveList("")).toEqual(["a/b.bin", "a/c/it", "a/s.txt", "r"]);
  });

  it("streamRead yields exact chunks and streamWrite accepts async iterables", async () => {
    async function* source() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(333, i);
    }
    await box.storage.streamWrite("big", source());
    const sizes: number[] = [];
    for await (const chunk of box.storage.streamRead("big", { chunkSize: 1000 })) sizes.push(chunk.byteLength);
    expect(sizes).toEqual([1000, 1000, 1000, 330]);
    const empty: number[] = [];
    await box.storage.write("empty", "");
    for await (const chunk of box.storage.streamRead("empty")) empty.push(chunk.byteLength);
    expect(empty).toEqual([]);
  });

  it("keeps bytes written by a producer that reuses one buffer", async () => {
    const shared = Buffer.alloc(4);
    function* reuse() {
      for (const letter of "abcd") {
        shared.fill(letter);
        yield shared;
      }
    }
    await box.storage.streamWrite("reused", reuse());
    expect(await readText(box.storage, "reused")).toBe("aaaabbbbccccdddd");
  });

  it("reports missing files as SnapshotNotFoundError, exists/stat accordingly", async () => {
    await expect(box.storage.read("nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.stat("nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    const iterator = box.storage.streamRead("nope")[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await box.storage.write("d/f", "1234");
    expect(await box.storage.exists("d/f")).toBe(true);
    expect(await box.storage.exists("d")).toBe(false);
    await expect(box.storage.read("d")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.read("d/f/g")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    const stat = await box.storage.stat("d/f");
    expect(stat).toMatchObject({ path: "d/f", size: 4 });
    expect(stat.mtime).toBeInstanceOf(Date);
  });

  it("lists whole segments only and treats a missing folder as empty", async () => {
    await box.storage.write("snap/a", "1");
    await box.storage.write("snapshot2/b", "2");
    expect(await box.storage.list("snap")).toEqual(["snap/a"]);
    expect(await box.storage.list("snap/")).toEqual(["snap/a"]);
    expect(await box.storage.recursiveList("snap")).toEqual(["snap/a"]);
    expect(await box.storage.list("missing")).toEqual([]);
    expect(await box.storage.list("snap/a")).toEqual([]);
  });

  it("lists by code point, not by UTF-16 unit", async () => {
    for (const key of ["\uffff", "\u{1f600}", "z", "A"]) await box.storage.write(key, key);
    expect(await box.storage.list("")).toEqual(["A", "z", "\uffff", "\u{1f600}"]);
  });

  it("refuses reserved temporary names (the prefix and exactly 16 hex digits) as keys and prefixes", async () => {
    const temp = `${TEMP_PREFIX}0123456789abcdef`;
    await expect(box.storage.write(temp, "1")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(box.storage.read(`a/${temp}/b`)).rejects.toBeInstanceOf(InvalidPathError);
    await expect(box.storage.list(temp)).rejects.toBeInstanceOf(InvalidPathError);
    expect(listDisk(box.root)).toEqual([]);
  });

  it("takes a user's file named like a temporary file but not in its exact form as data (issue 24)", async () => {
    const names = [`${TEMP_PREFIX}notes.txt`, `${TEMP_PREFIX}0123456789abcde`, `${TEMP_PREFIX}0123456789abcdef0`, `${TEMP_PREFIX}0123456789ABCDEF`];
    for (const name of names) await box.storage.write(`d/${name}`, name);
    for (const name of names) expect(await readText(box.storage, `d/${name}`)).toBe(name);
    expect(await box.storage.recursiveList("d")).toEqual(names.map((name) => `d/${name}`).sort(compareKeys));
    const target = new LocalFileSystemBackend({ location: path.join(box.dir, "mirror") });
    expect(await syncStorages(box.storage, "d", target, "")).toMatchObject({ copied: names.length, ignored: 0 });
    expect(await target.recursiveList("")).toEqual([...names].sort(compareKeys));
  });

  it("rejects bad options and a location that is a file", () => {
    expect(() => new LocalFileSystemBackend({ location: "" })).toThrow(InvalidOptionsError);
    expect(() => new LocalFileSystemBackend({ location: box.root, chunkSize: 0 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "chunkSize", value: 0 }));
    writeFileSync(path.join(box.dir, "file"), "x");
    expect(() => new LocalFileSystemBackend({ location: path.join(box.dir, "file") })).toThrow(/storage root/);
  });

  it("creates a missing root with its parents, and fails with a typed error where it cannot (never hangs)", () => {
    const nested = path.join(box.dir, "new", "deeper", "root");
    expect(new LocalFileSystemBackend({ location: nested }).location).toBe(nested);
    // Node's recursive mkdirSync never returns on this path; this must fail at once.
    for (const location of ["/proc/stowage-x", "/proc/stowage-x/y/z"]) {
      expect(() => new LocalFileSystemBackend({ location })).toThrow(expect.objectContaining({ code: "E_IO", message: expect.stringMatching(/storage root/) }));
    }
  });
});

describe("atomic writes", () => {
  it("keeps the old content when the source fails half-way, and leaves no temp file", async () => {
    await box.storage.write("a/f", "old");
    async function* failing() {
      yield Buffer.from("new partial");
      throw new Error("source broke");
    }
    await expect(box.storage.write("a/f", failing())).rejects.toThrow("source broke");
    expect(await readText(box.storage, "a/f")).toBe("old");
    expect(listDisk(box.root)).toEqual(["a/", "a/f"]);
  });

  it("destroys an erroring Readable source and prunes the folders it created", async () => {
    const source = new Readable({ read() {} });
    source.push("some bytes");
    setImmediate(() => source.destroy(new Error("stream died")));
    await expect(box.storage.write("new/deep/f", source)).rejects.toThrow("stream died");
    expect(source.destroyed).toBe(true);
    expect(listDisk(box.root)).toEqual([]);
    expect(await box.storage.list("")).toEqual([]);
  });

  it("rejects non-content values before touching the disk", async () => {
    await expect(box.storage.write("x/y", 42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    expect(listDisk(box.root)).toEqual([]);
  });

  it("a reader opened before a replace keeps reading the old content", async () => {
    await box.storage.write("f", "A".repeat(100_000));
    const stream = await box.storage.read("f");
    await box.storage.write("f", "B".repeat(50));
    const old = (await collectBytes(stream)).toString();
    expect(old).toBe("A".repeat(100_000));
    expect(await readText(box.storage, "f")).toBe("B".repeat(50));
  });

  it("hides temporary files from list, recursiveList and sync", async () => {
    await box.storage.write("a/f", "x");
    writeFileSync(path.join(box.root, "a", `${TEMP_PREFIX}0123456789abcdef`), "partial");
    mkdirSync(path.join(box.root, "ghost"));
    writeFileSync(path.join(box.root, "ghost", `${TEMP_PREFIX}0123456789abcdef`), "partial");
    expect(await box.storage.list("")).toEqual(["a/"]);
    expect(await box.storage.list("a")).toEqual(["a/f"]);
    expect(await box.storage.recursiveList("")).toEqual(["a/f"]);
    const report = await box.storage.sync("a", "b");
    expect(report).toMatchObject({ copied: 1, ignored: 0 });
    expect(readdirSync(path.join(box.root, "b"))).toEqual(["f"]);
  });

  it("concurrent writes of one key leave one whole version", async () => {
    const versions = Array.from({ length: 8 }, (_, i) => String(i).repeat(200_000));
    await Promise.all(versions.map((text) => box.storage.write("same", text)));
    expect(versions).toContain(await readText(box.storage, "same"));
    expect(listDisk(box.root)).toEqual(["same"]);
  });

  it("concurrent writes and deletes in one folder never lose a write to pruning", async () => {
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await box.storage.write(`p/q/${i}`, "x");
        if (i % 2 === 0) await box.storage.delete(`p/q/${i}`);
      }),
    );
    const expected = Array.from({ length: 20 }, (_, i) => `p/q/${2 * i + 1}`).sort();
    expect(await box.storage.recursiveList("p")).toEqual(expected);
  });
});

describe("moves racing deletes", () => {
  it("a move into a folder that a concurrent delete empties still lands", async () => {
    for (let i = 0; i < 20; i++) await box.storage.write(`src/${i}`, String(i));
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await box.storage.write(`p/q/tmp${i}`, "x");
        await Promise.all([box.storage.delete(`p/q/tmp${i}`), box.storage.atomicMove(`src/${i}`, `p/q/${i}`)]);
      }),
    );
    const expected = Array.from({ length: 20 }, (_, i) => `p/q/${i}`).sort();
    expect(await box.storage.recursiveList("")).toEqual(expected);
    expect(await readText(box.storage, "p/q/7")).toBe("7");
  });
});

describe("file and folder conflicts", () => {
  it("refuses a file under a file, and a file over a folder", async () => {
    await box.storage.write("a", "file");
    await box.storage.write("d/x", "file");
    const before = listDisk(box.root);
    await expect(box.storage.write("a/b", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.write("a/b/c", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.write("d", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.atomicMove("a", "d")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.atomicMove("d/x", "a/y")).rejects.toBeInstanceOf(SnapshotConflictError);
    expect(listDisk(box.root)).toEqual(before);
    expect(await readText(box.storage, "a")).toBe("file");
  });

  it("writes over an empty folder, which stowage does not consider a folder", async () => {
    mkdirSync(path.join(box.root, "empty"));
    await box.storage.write("empty", "now a file");
    expect(await readText(box.storage, "empty")).toBe("now a file");
  });
});

describe("delete, atomicMove and pruning", () => {
  it("deletes idempotently and prunes empty folders up to, not including, the root", async () => {
    await box.storage.write("a/b/c/f", "x");
    await box.storage.write("a/g", "x");
    await box.storage.delete("a/b/c/f");
    expect(listDisk(box.root)).toEqual(["a/", "a/g"]);
    await box.storage.delete("a/g");
    expect(listDisk(box.root)).toEqual([]);
    expect(existsSync(box.root)).toBe(true);
    await box.storage.delete("a/g");
    await box.storage.delete("never/was");
  });

  it("does not delete a folder given as a key", async () => {
    await box.storage.write("a/b", "x");
    await box.storage.delete("a");
    expect(await box.storage.recursiveList("")).toEqual(["a/b"]);
  });

  it("moves files, replaces destinations, prunes the source folder", async () => {
    await box.storage.write("src/deep/f", "moved");
    await box.storage.write("dst/g", "old");
    await box.storage.atomicMove("src/deep/f", "dst/g");
    expect(await readText(box.storage, "dst/g")).toBe("moved");
    expect(listDisk(box.root)).toEqual(["dst/", "dst/g"]);
    await box.storage.atomicMove("dst/g", "dst/g");
    expect(await readText(box.storage, "dst/g")).toBe("moved");
    await expect(box.storage.atomicMove("nope", "x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.atomicMove("nope", "nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.atomicMove("dst", "x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });

  it("does not list folders that hold no file", async () => {
    mkdirSync(path.join(box.root, "e", "f", "g"), { recursive: true });
    await box.storage.write("k/v", "x");
    expect(await box.storage.list("")).toEqual(["k/"]);
    expect(await box.storage.list("e")).toEqual([]);
  });
});
