import { renameSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStowageError, syncStorages, type FileStat } from "@stowage/core";
import { LocalFileSystemBackend } from "../src/index.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

/*
 * Issue 20, case 1: a tree that vanishes while it is walked (moved away, unmounted, a folder
 * removed) must fail the listing with E_IO. Read as empty, it made sync delete the mirror.
 */

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

/** Fills `folders` folders of `files` files each: `d000/f00` ... */
async function fillTree(storage: LocalFileSystemBackend, folders: number, files: number): Promise<void> {
  for (let d = 0; d < folders; d++) {
    for (let f = 0; f < files; f++) await storage.write(`d${String(d).padStart(3, "0")}/f${String(f).padStart(2, "0")}`, `${d}/${f}`);
  }
}

/** Walks `storage`, calling `midway` once after `after` entries; resolves with what failed (or the count). */
async function walkWith(storage: LocalFileSystemBackend, after: number, midway: () => void): Promise<unknown> {
  let seen = 0;
  try {
    for await (const _entry of storage.streamList("") as AsyncIterable<FileStat>) if (++seen === after) midway();
  } catch (error) {
    return error;
  }
  return seen;
}

describe("a tree that vanishes while it is walked", () => {
  it("a root moved away mid-walk fails the listing with E_IO, naming what vanished", async () => {
    await fillTree(box.storage, 20, 5);
    const error = await walkWith(box.storage, 3, () => renameSync(box.root, `${box.root}.gone`));
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/vanished while it was walked/);
  });

  it("a sub-folder removed mid-walk fails the listing, whether or not it was read ahead", async () => {
    await fillTree(box.storage, 20, 5);
    const error = await walkWith(box.storage, 3, () => rmSync(path.join(box.root, "d015"), { recursive: true }));
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
  });

  it("a file deleted mid-walk simply drops out; its folder is still there", async () => {
    await fillTree(box.storage, 3, 5);
    const seen = await walkWith(box.storage, 1, () => rmSync(path.join(box.root, "d000", "f03")));
    expect(seen).toBe(14);
  });

  it("a root that is gone before the walk is E_IO, not an empty tree, for list and streamList", async () => {
    await fillTree(box.storage, 1, 1);
    renameSync(box.root, `${box.root}.gone`);
    for (const listing of [() => box.storage.list(""), () => box.storage.list("d000"), () => box.storage.recursiveList("nothing-here")]) {
      const error = await listing().catch((caught: unknown) => caught);
      expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    }
  });

  it("a sync whose source root is moved away mid-run deletes nothing of the mirror", async () => {
    await fillTree(box.storage, 30, 10);
    const mirror = new LocalFileSystemBackend({ location: path.join(box.dir, "mirror"), durable: false });
    await syncStorages(box.storage, "", mirror, "");
    await mirror.write("zz-extra", "only in the mirror");
    await box.storage.write("d000/f00", "changed, so that copies run");
    let copies = 0;
    const error = await syncStorages(box.storage, "", mirror, "", {
      onProgress: (event) => {
        if (event.action === "skip" && ++copies === 40) renameSync(box.root, `${box.root}.gone`);
      },
    }).catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect(await mirror.recursiveList("")).toHaveLength(301);
  });
});
