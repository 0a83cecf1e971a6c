import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { compareKeys, type FileStat, type SkippedEntry } from "@stowage/core";
import { TEMP_PREFIX } from "../src/index.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

/** Counts the backend's readdir calls (the real readdir runs): the honest measure of what a listing read. */
const reads = vi.hoisted(() => ({ folders: [] as string[] }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const readdir = (async (...args: Parameters<typeof real.readdir>) => {
    reads.folders.push(String(args[0]));
    return real.readdir(...args);
  }) as typeof real.readdir;
  const mocked = { ...real, readdir };
  return { ...mocked, default: mocked };
});

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

async function collect(iterable: AsyncIterable<FileStat>): Promise<FileStat[]> {
  const found: FileStat[] = [];
  for await (const entry of iterable) found.push(entry);
  return found;
}

describe("streamList order", () => {
  it("is compareKeys order at any depth: a folder sorts as 'name/' among its siblings", async () => {
    // '!' (0x21) < '-' < '.' (0x2e) < '/' (0x2f) < '0': so "a!", "a-b", "a.txt" come before the
    // folder "a/", and "a0" after it; U+FFFF sorts before U+1F600 by code point (not by UTF-16 unit).
    const keys = ["a/x", "a/b/c", "a.txt", "a!", "a-b/y", "a0", "\u{1f600}", "\uffff/z", "ab/\uffff", "ab/\u{1f600}", "z"];
    for (const key of keys) await box.storage.write(key, key);
    const listed = (await collect(box.storage.streamList(""))).map((entry) => entry.path);
    expect(listed).toEqual([...keys].sort(compareKeys));
    expect(listed.slice(0, 5)).toEqual(["a!", "a-b/y", "a.txt", "a/b/c", "a/x"]);
    expect(listed).toEqual(await box.storage.recursiveList(""));
    expect((await collect(box.storage.streamList("ab/"))).map((entry) => entry.path)).toEqual(["ab/\uffff", "ab/\u{1f600}"]);
    expect(await collect(box.storage.streamList("missing"))).toEqual([]);
  });

  it("yields each file's size and mtime, as stat does", async () => {
    const mtime = new Date(1_600_000_000_123);
    await box.storage.write("d/f", "12345", { mtime });
    const [entry] = await collect(box.storage.streamList("d"));
    expect(entry).toMatchObject({ path: "d/f", size: 5, mtime, mtimePrecision: 0.001 });
    // Kept to the microsecond: Node 20 stores the µs, Node 24+ up to a few hundred ns past it.
    expect((entry?.mtimeNs ?? 0n) / 1000n).toBe(1_600_000_000_123_000n);
    expect(await box.storage.stat("d/f")).toEqual(entry);
  });

  it("reads times in nanoseconds and writes them to the microsecond (issue 24)", async () => {
    const mtimeNs = 1_700_000_000_123_456_789n;
    const file = path.join(box.root, "ns");
    writeFileSync(file, "x");
    utimesSync(file, 0, 0);
    // Node cannot write ns; the test plants them as another program would, through `touch -d`.
    execFileSync("touch", ["-m", "-d", "@1700000000.123456789", file]);
    const listed = (await collect(box.storage.streamList("")))[0];
    expect(listed).toMatchObject({ path: "ns", mtimeNs, mtime: new Date(1_700_000_000_123), mtimePrecision: 0.001 });
    await box.storage.write("copy", "x", { mtimeNs });
    // The microsecond is kept on every line (Node 24+ lands a few hundred ns past it, never before).
    expect(lstatSync(path.join(box.root, "copy"), { bigint: true }).mtimeNs / 1000n).toBe(1_700_000_000_123_456n);
  });
});

describe("streamList laziness", () => {
  const FOLDERS = 40;
  beforeEach(async () => {
    for (let i = 0; i < FOLDERS; i++) await box.storage.write(`f${String(i).padStart(2, "0")}/deep/file`, "x");
  });

  it("reads nothing before the first next(), then one folder per level plus a bounded read-ahead", async () => {
    reads.folders.length = 0;
    const iterator = box.storage.streamList("")[Symbol.asyncIterator]();
    expect(reads.folders).toEqual([]);
    const first = await iterator.next();
    expect(first.value?.path).toBe("f00/deep/file");
    // The root, f00 and f00/deep are needed; at most 4 folders are read ahead of the walk.
    const atFirst = reads.folders.length;
    expect(atFirst).toBeGreaterThanOrEqual(3);
    expect(atFirst).toBeLessThanOrEqual(3 + 4);
    await iterator.return?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads.folders.length).toBe(atFirst);
    expect(atFirst).toBeLessThan(2 * FOLDERS);
  });

  it("reads every folder once when consumed to the end", async () => {
    reads.folders.length = 0;
    expect(await collect(box.storage.streamList(""))).toHaveLength(FOLDERS);
    expect(reads.folders).toHaveLength(1 + 2 * FOLDERS);
    expect(new Set(reads.folders).size).toBe(reads.folders.length);
  });
});

describe("streamList never follows links and reports what it passes over", () => {
  it("reports links, special files and bad names to onSkip; temporary files silently drop out", async () => {
    await box.storage.write("d/real", "x");
    symlinkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "d", "file-link"));
    symlinkSync(box.outside, path.join(box.root, "folder-link"));
    execFileSync("mkfifo", [path.join(box.root, "d", "fifo")]);
    writeFileSync(path.join(box.root, "d", "back\\slash"), "x");
    writeFileSync(path.join(box.root, "d", `${TEMP_PREFIX}0123456789abcdef`), "partial");
    mkdirSync(path.join(box.root, `${TEMP_PREFIX}00000000000000ff`));
    writeFileSync(path.join(box.root, "d", `${TEMP_PREFIX}notes.txt`), "a user's file");
    const skipped: SkippedEntry[] = [];
    const listed = await collect(box.storage.streamList("", { onSkip: (entry) => skipped.push(entry) }));
    expect(listed.map((entry) => entry.path)).toEqual([`d/${TEMP_PREFIX}notes.txt`, "d/real"]);
    expect(skipped.sort((a, b) => compareKeys(a.path, b.path))).toEqual([
      { path: `${TEMP_PREFIX}00000000000000ff`, reason: "invalid-name" },
      { path: "d/back\\slash", reason: "invalid-name" },
      { path: "d/fifo", reason: "special" },
      { path: "d/file-link", reason: "link" },
      { path: "folder-link", reason: "link" },
    ]);
  });

  it("lists nothing through a linked prefix", async () => {
    symlinkSync(box.outside, path.join(box.root, "outside-link"));
    const skipped: SkippedEntry[] = [];
    expect(await collect(box.storage.streamList("outside-link", { onSkip: (entry) => skipped.push(entry) }))).toEqual([]);
    expect(await collect(box.storage.streamList("outside-link/sub"))).toEqual([]);
    expect(skipped).toEqual([]);
  });
});

describe("names that are not UTF-8", () => {
  it("a U+FFFD that stowage wrote is listed; a name of bytes that are not UTF-8 is passed over, once", async () => {
    await box.storage.write("r/a\uFFFD", "written by stowage");
    await box.storage.write("r/\uFFFD/c", "in a folder named U+FFFD");
    const dir = path.join(box.storage.location, "r");
    // 0xff is never UTF-8: Node reads this name as "b\uFFFD", a key that names no file.
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/b`), Buffer.from([0xff])]), "raw bytes");
    // And one that decodes exactly like the key stowage wrote.
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/a`), Buffer.from([0xfe])]), "raw bytes too");
    const skipped: SkippedEntry[] = [];
    const listed = (await collect(box.storage.streamList("r", { onSkip: (entry) => skipped.push(entry) }))).map((entry) => entry.path);
    expect(listed).toEqual(["r/a\uFFFD", "r/\uFFFD/c"].sort(compareKeys));
    expect(skipped.map((entry) => `${entry.path} ${entry.reason}`).sort()).toEqual(["r/a\uFFFD invalid-name", "r/b\uFFFD invalid-name"]);
    expect(await box.storage.list("r")).toEqual(["r/a\uFFFD", "r/\uFFFD/"].sort(compareKeys));
  });
});

describe("streamList descend: folders turned down are never read", () => {
  const notModules = (key: string): boolean => !key.split("/").includes("node_modules");

  it("passes over the subtree unread, read-ahead included, and asks with full keys", async () => {
    // Many sibling folders after node_modules, so the read-ahead would reach it if it ignored descend.
    for (const key of ["app/a.js", "app/node_modules/p/i.js", "app/node_modules/q/j.js", "app/z.js", "lib/node_modules/r/k.js", "lib/m.js"]) {
      await box.storage.write(key, "x");
    }
    for (let i = 0; i < 6; i++) await box.storage.write(`app/n${i}/f`, "x");
    reads.folders.length = 0;
    const asked: string[] = [];
    const listed = await collect(box.storage.streamList("", { descend: (key) => (asked.push(key), notModules(key)) }));
    expect(listed.map((entry) => entry.path)).toEqual(["app/a.js", ...[0, 1, 2, 3, 4, 5].map((i) => `app/n${i}/f`), "app/z.js", "lib/m.js"]);
    expect(reads.folders.filter((dir) => dir.includes("node_modules"))).toEqual([]);
    expect(reads.folders.length).toBe(3 + 6);
    expect(asked).toContain("app/node_modules");
    expect(asked).toContain("lib/node_modules");
  });

  it("a sync's exclude rule keeps both sides' walks out of the excluded folder", async () => {
    for (const key of ["src/a", "src/node_modules/p/i.js", "dst/node_modules/old.js", "dst/gone"]) await box.storage.write(key, "x");
    reads.folders.length = 0;
    const report = await box.storage.sync("src", "dst", { filter: [{ action: "exclude", pattern: "node_modules/" }] });
    expect(report).toMatchObject({ copied: 1, deleted: 1, excluded: 0 });
    expect(reads.folders.filter((dir) => dir.includes("node_modules"))).toEqual([]);
    expect(await box.storage.recursiveList("dst")).toEqual(["dst/a", "dst/node_modules/old.js"]);
  });
});
