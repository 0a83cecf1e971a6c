import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareKeys, isStowageError, syncStorages, type FileStat, type SkippedEntry } from "@stowage/core";
import { LocalFileSystemBackend, TEMP_PREFIX } from "../src/index.js";
import { foldersReadOnThread, THREAD_AFTER } from "../src/thread-listing.js";
import { WALK_PACE } from "../src/sorted-walk.js";
import { DEFAULT_BUSY_NS, DEFAULT_MIN_REMAINING, threadedSandbox } from "./threaded-sandbox.js";

/*
 * Issue 27: past THREAD_AFTER files, a walk reads its folders and lstats their files on the
 * listing thread. Everything a listing promises must hold there too: order, sizes and ns times,
 * what is passed over, and E_IO for a folder that vanishes.
 */

const FOLDERS = 120;
const PER_FOLDER = Math.ceil((THREAD_AFTER + 900) / FOLDERS);
const FILES = FOLDERS * PER_FOLDER;
const folderOf = (d: number): string => `d${String(d).padStart(3, "0")}`;
const keyOf = (d: number, f: number): string => `${folderOf(d)}/f${String(f).padStart(2, "0")}`;

// However loaded the machine, these walks take the thread (one test below restores the pace).
const sandbox = threadedSandbox();

/** FILES files straight to disk, of sizes 0 to 9 bytes and distinct ns mtimes. */
function fillTree(root: string): void {
  for (let d = 0; d < FOLDERS; d++) {
    mkdirSync(path.join(root, folderOf(d)), { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) {
      const file = path.join(root, keyOf(d, f));
      writeFileSync(file, "x".repeat((d + f) % 10));
      utimesSync(file, 1_700_000_000 + d + f / 1000, 1_700_000_000 + d + f / 1000 + 0.000_123);
    }
  }
}

/** Walks `storage`, calling `midway` once after `after` entries; resolves with what failed, or the entries. */
async function walkWith(storage: LocalFileSystemBackend, after: number, midway: () => void, onSkip?: (entry: SkippedEntry) => void): Promise<FileStat[] | unknown> {
  const seen: FileStat[] = [];
  try {
    for await (const entry of storage.streamList("", { onSkip }) as AsyncIterable<FileStat>) if (seen.push(entry) === after) midway();
  } catch (error) {
    return error;
  }
  return seen;
}

describe("a big walk, read on the listing thread", () => {
  it("lists every file in compareKeys order with lstat's size and ns mtime, and passes over what a small walk does", async () => {
    fillTree(sandbox.box.root);
    // In the last folders, read on the thread: what a listing passes over, and a file it keeps.
    const last = path.join(sandbox.box.root, folderOf(FOLDERS - 1));
    symlinkSync(path.join(sandbox.box.outside, "canary.txt"), path.join(last, "file-link"));
    symlinkSync(sandbox.box.outside, path.join(sandbox.box.root, folderOf(FOLDERS - 2), "folder-link"));
    execFileSync("mkfifo", [path.join(last, "fifo")]);
    writeFileSync(path.join(last, "back\\slash"), "x");
    writeFileSync(path.join(last, `${TEMP_PREFIX}0123456789abcdef`), "partial");
    writeFileSync(path.join(last, `${TEMP_PREFIX}notes.txt`), "a user's file");
    const skipped: SkippedEntry[] = [];
    const threadReads = foldersReadOnThread();
    const listed = (await walkWith(sandbox.box.storage, -1, () => undefined, (entry) => skipped.push(entry))) as FileStat[];
    // The first lap of THREAD_AFTER files is read here, and 4 folders read ahead; the rest on the thread.
    expect(foldersReadOnThread() - threadReads).toBeGreaterThan(FOLDERS - Math.ceil(THREAD_AFTER / PER_FOLDER) - 6);

    const expected = [`${folderOf(FOLDERS - 1)}/${TEMP_PREFIX}notes.txt`];
    for (let d = 0; d < FOLDERS; d++) for (let f = 0; f < PER_FOLDER; f++) expected.push(keyOf(d, f));
    expect(listed.map((entry) => entry.path)).toEqual(expected.sort(compareKeys));
    for (const entry of listed) {
      const stats = lstatSync(path.join(sandbox.box.root, entry.path), { bigint: true });
      expect([entry.size, entry.mtimeNs]).toEqual([Number(stats.size), stats.mtimeNs]);
      expect(entry.mtime.getTime()).toBe(Number(stats.mtimeNs / 1_000_000n));
    }
    expect(skipped.sort((a, b) => compareKeys(a.path, b.path))).toEqual([
      { path: `${folderOf(FOLDERS - 2)}/folder-link`, reason: "link" },
      { path: `${folderOf(FOLDERS - 1)}/back\\slash`, reason: "invalid-name" },
      { path: `${folderOf(FOLDERS - 1)}/fifo`, reason: "special" },
      { path: `${folderOf(FOLDERS - 1)}/file-link`, reason: "link" },
    ]);
  });

  it("in translate mode, lists a link read on the thread as its .rclonelink file", async () => {
    fillTree(sandbox.box.root);
    symlinkSync("../d000/f00", path.join(sandbox.box.root, folderOf(FOLDERS - 1), "link"));
    const storage = new LocalFileSystemBackend({ location: sandbox.box.root, links: "translate" });
    const listed = (await walkWith(storage, -1, () => undefined)) as FileStat[];
    const link = listed.find((entry) => entry.path === `${folderOf(FOLDERS - 1)}/link.rclonelink`);
    expect(link?.size).toBe("../d000/f00".length);
    expect(listed).toHaveLength(FILES + 1);
  });

  it("a folder removed before the thread reads it fails the listing with E_IO", async () => {
    fillTree(sandbox.box.root);
    const error = await walkWith(sandbox.box.storage, THREAD_AFTER + 25, () => rmSync(path.join(sandbox.box.root, folderOf(FOLDERS - 1)), { recursive: true }));
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect(String((error as Error).message)).toContain(`folder '${folderOf(FOLDERS - 1)}' vanished`);
  });

  it("a root moved away mid-walk fails the listing with E_IO", async () => {
    fillTree(sandbox.box.root);
    const error = await walkWith(sandbox.box.storage, THREAD_AFTER + 25, () => renameSync(sandbox.box.root, `${sandbox.box.root}.gone`));
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
  });

  it("a file deleted before the thread reads its folder drops out", async () => {
    fillTree(sandbox.box.root);
    const listed = await walkWith(sandbox.box.storage, THREAD_AFTER + 25, () => rmSync(path.join(sandbox.box.root, keyOf(FOLDERS - 1, 0))));
    expect((listed as FileStat[]).map((entry) => entry.path)).not.toContain(keyOf(FOLDERS - 1, 0));
    expect(listed).toHaveLength(FILES - 1);
  });

  it("a walk whose consumer takes more than busyNs per file stays on the main thread", async () => {
    fillTree(sandbox.box.root);
    WALK_PACE.busyNs = DEFAULT_BUSY_NS;
    const threadReads = foldersReadOnThread();
    let files = 0;
    for await (const _entry of sandbox.box.storage.streamList("")) {
      files++;
      const until = process.hrtime.bigint() + BigInt(DEFAULT_BUSY_NS * 2);
      while (process.hrtime.bigint() < until); // a consumer that works on each file, as a copy does
    }
    expect(files).toBe(FILES);
    expect(foldersReadOnThread()).toBe(threadReads);
  });

  it(`a walk with fewer than minRemaining files left after a lap stays on the main thread (the default, ${DEFAULT_MIN_REMAINING}, is above this tree)`, async () => {
    fillTree(sandbox.box.root);
    // After the first lap of THREAD_AFTER files, about FILES - THREAD_AFTER (952) are left.
    const walkReads = async (minRemaining: number): Promise<number> => {
      WALK_PACE.minRemaining = minRemaining;
      const threadReads = foldersReadOnThread();
      expect(await walkWith(sandbox.box.storage, 0, () => undefined)).toHaveLength(FILES);
      return foldersReadOnThread() - threadReads;
    };
    expect(await walkReads(DEFAULT_MIN_REMAINING)).toBe(0);
    expect(await walkReads(1_500)).toBe(0);
    expect(await walkReads(500)).toBeGreaterThan(0);
  });

  it("a sync of a big tree copies every file once; a second sync copies nothing", async () => {
    fillTree(sandbox.box.root);
    const mirror = new LocalFileSystemBackend({ location: path.join(sandbox.box.dir, "mirror"), durable: false });
    expect(await syncStorages(sandbox.box.storage, "", mirror, "")).toMatchObject({ copied: FILES, skipped: 0 });
    expect(await syncStorages(sandbox.box.storage, "", mirror, "")).toMatchObject({ copied: 0, skipped: FILES });
  });
});
