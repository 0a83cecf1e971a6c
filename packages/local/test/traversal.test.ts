import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidPathError, SnapshotConflictError, SnapshotNotFoundError, SyncError } from "@stowage/core";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

let box: Sandbox;
let before: string;
beforeEach(async () => {
  box = createSandbox();
  await box.storage.write("inside/f", "inside");
  before = box.outsideSnapshot();
});
afterEach(() => {
  // Whatever a test did, nothing outside the storage root may have changed.
  expect(box.outsideSnapshot()).toBe(before);
  box.cleanup();
});

const ATTACKS: Array<[string, string]> = [
  ["../x", "parent segment"],
  ["a/../../x", "parent segment in the middle"],
  ["../outside/canary.txt", "sibling folder"],
  ["/etc/passwd", "absolute path"],
  ["C:\\x", "drive letter with backslash"],
  ["a\\..\\..\\x", "backslash traversal"],
  ["a\u0000b", "NUL"],
  ["", "empty key"],
  [".", "dot"],
  ["a/./b", "dot segment"],
  ["a//b", "empty segment"],
];

describe("traversal attacks are refused before any I/O", () => {
  it.each(ATTACKS)("%j (%s)", async (key) => {
    const storage = box.storage;
    const attempts: Array<() => Promise<unknown>> = [
      () => storage.read(key),
      () => storage.write(key, "pwned"),
      () => storage.streamWrite(key, [Buffer.from("pwned")]),
      () => storage.streamRead(key)[Symbol.asyncIterator]().next(),
      () => storage.exists(key),
      () => storage.stat(key),
      () => storage.delete(key),
      () => storage.atomicMove(key, "moved"),
      () => storage.atomicMove("inside/f", key),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidPathError);
    if (key !== "") {
      await expect(storage.list(key)).rejects.toBeInstanceOf(InvalidPathError);
      await expect(storage.recursiveList(key)).rejects.toBeInstanceOf(InvalidPathError);
      await expect(storage.sync(key, "copy")).rejects.toBeInstanceOf(InvalidPathError);
      await expect(storage.sync("inside", key)).rejects.toBeInstanceOf(InvalidPathError);
    }
    expect(listDisk(box.root)).toEqual(["inside/", "inside/f"]);
  });

  it("treats %2e%2e as a literal name inside the root", async () => {
    await box.storage.write("%2e%2e/x", "literal");
    expect(readFileSync(path.join(box.root, "%2e%2e", "x"), "utf8")).toBe("literal");
    expect(await box.storage.list("%2e%2e")).toEqual(["%2e%2e/x"]);
  });
});

describe("symbolic links planted inside the root are never followed", () => {
  it("a link to / reads, writes, lists and deletes nothing outside", async () => {
    symlinkSync("/", path.join(box.root, "rootlink"));
    const canary = path.relative("/", path.join(box.outside, "canary.txt"));
    await expect(box.storage.read(`rootlink/${canary}`)).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.read("rootlink/etc/passwd")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await box.storage.exists("rootlink/etc/passwd")).toBe(false);
    await expect(box.storage.stat("rootlink/etc/passwd")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.write(`rootlink/${canary}`, "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.write(`rootlink/${path.relative("/", box.outside)}/new`, "x")).rejects.toBeInstanceOf(
      SnapshotConflictError,
    );
    await box.storage.delete(`rootlink/${canary}`);
    expect(await box.storage.list("rootlink")).toEqual([]);
    expect(await box.storage.recursiveList("rootlink")).toEqual([]);
    expect(await box.storage.list("")).toEqual(["inside/"]);
    expect(await box.storage.recursiveList("")).toEqual(["inside/f"]);
    await expect(box.storage.atomicMove(`rootlink/${canary}`, "stolen")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.atomicMove("inside/f", `rootlink/${canary}`)).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.sync("inside", `rootlink/${path.relative("/", box.outside)}`)).rejects.toBeInstanceOf(SyncError);
    const report = await box.storage.sync(`rootlink/${path.relative("/", box.outside)}`, "copy");
    expect(report).toMatchObject({ copied: 0, ignored: 0 });
    expect(await readText(box.storage, "inside/f")).toBe("inside");
  });

  it("a linked folder in the middle of a path is a dead end", async () => {
    mkdirSync(path.join(box.root, "a"));
    symlinkSync(box.outside, path.join(box.root, "a", "mid"));
    await expect(box.storage.read("a/mid/canary.txt")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.read("a/mid/sub/x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(box.storage.write("a/mid/sub/x", "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.write("a/mid/sub/new/deeper", "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.streamWrite("a/mid/canary.txt", [Buffer.from("pwned")])).rejects.toBeInstanceOf(
      SnapshotConflictError,
    );
    await box.storage.delete("a/mid/canary.txt");
    await box.storage.delete("a/mid/sub/x");
    expect(await box.storage.list("a/mid")).toEqual([]);
    expect(await box.storage.list("a/mid/sub")).toEqual([]);
    expect(await box.storage.list("a")).toEqual([]);
    expect(await box.storage.recursiveList("a")).toEqual([]);
    expect(await box.storage.cleanupTempFiles({ prefix: "a/mid", olderThan: 0 })).toEqual([]);
  });

  it("a link as the file itself is neither read, replaced nor deleted", async () => {
    symlinkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "filelink"));
    await expect(box.storage.read("filelink")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    const iterator = box.storage.streamRead("filelink")[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await box.storage.exists("filelink")).toBe(false);
    await expect(box.storage.write("filelink", "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.atomicMove("inside/f", "filelink")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.atomicMove("filelink", "x")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await box.storage.delete("filelink");
    expect(listDisk(box.root)).toContain("filelink");
    expect(await box.storage.list("")).toEqual(["inside/"]);
  });

  it("a dangling link cannot be used to create files outside", async () => {
    symlinkSync(path.join(box.outside, "not-yet"), path.join(box.root, "dangling"));
    await expect(box.storage.write("dangling/x", "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.write("dangling", "pwned")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(box.storage.read("dangling")).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });

  it("a link to a folder inside the root is not followed either", async () => {
    symlinkSync(path.join(box.root, "inside"), path.join(box.root, "alias"));
    await expect(box.storage.read("alias/f")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await box.storage.list("alias")).toEqual([]);
    expect(await box.storage.list("")).toEqual(["inside/"]);
  });

  it("a hard link to an outside file is replaced, never written through", async () => {
    linkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "hard"));
    expect(await readText(box.storage, "hard")).toBe("canary");
    await box.storage.write("hard", "replaced");
    expect(await readText(box.storage, "hard")).toBe("replaced");
    await box.storage.delete("hard");
  });

  it("a planted FIFO is not a file and does not hang a read", async () => {
    execFileSync("mkfifo", [path.join(box.root, "fifo")]);
    await expect(box.storage.read("fifo")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await box.storage.exists("fifo")).toBe(false);
    expect(await box.storage.list("")).toEqual(["inside/"]);
  });

  it("does not list names that are not valid keys", async () => {
    writeFileSync(path.join(box.root, "back\\slash"), "x");
    writeFileSync(path.join(box.root, "new\nline"), "x");
    expect(await box.storage.list("")).toEqual(["inside/"]);
    expect(await box.storage.recursiveList("")).toEqual(["inside/f"]);
  });
});
