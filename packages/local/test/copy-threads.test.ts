import { lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStowageError, syncStorages, SyncError } from "@stowage/core";
import { LocalFileSystemBackend, TEMP_PREFIX } from "../src/index.js";
import { INLINE_COPIES } from "../src/native-copy.js";
import { createSandbox, readText, type Sandbox } from "./sandbox.js";

// Big enough that most copies run on the copy threads (the first INLINE_COPIES run inline).
const FILES = INLINE_COPIES + 200;
const keyOf = (i: number): string => `d${i % 7}/f${String(i).padStart(4, "0")}`;

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

/** Writes FILES files under `src/` of the sandbox root straight to disk, each with its own ns mtime. */
function writeSource(): void {
  for (let i = 0; i < FILES; i++) {
    const file = path.join(box.root, "src", keyOf(i));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `content ${i}`);
    utimesSync(file, 1_700_000_000 + i + 0.123456, 1_700_000_000 + i + 0.123456);
  }
}

function debris(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((entry) => path.basename(entry).startsWith(TEMP_PREFIX));
}

describe.each([true, false])("sync copies on copy threads (durable: %s)", (durable) => {
  it("copies every file whole, with its mtime to the microsecond, leaving no temporary file; a re-run copies nothing", async () => {
    writeSource();
    const target = new LocalFileSystemBackend({ location: path.join(box.dir, "target"), durable });
    const report = await syncStorages(box.storage, "src", target, "");
    expect(report).toMatchObject({ copied: FILES, skipped: 0 });
    for (const i of [0, INLINE_COPIES + 1, FILES - 1]) {
      expect(await readText(target, keyOf(i))).toBe(`content ${i}`);
      const source = lstatSync(path.join(box.root, "src", keyOf(i)), { bigint: true });
      const copy = lstatSync(path.join(target.location, keyOf(i)), { bigint: true });
      expect(copy.mtimeNs / 1000n).toBe(source.mtimeNs / 1000n);
    }
    expect(debris(target.location)).toEqual([]);
    expect(await syncStorages(box.storage, "src", target, "")).toMatchObject({ copied: 0, skipped: FILES });
  });

  it("keeps the target's promises on a thread: a link or a non-empty folder at a target key fails that file, an empty folder is replaced", async () => {
    writeSource();
    const targetRoot = path.join(box.dir, "target");
    const target = new LocalFileSystemBackend({ location: targetRoot, durable });
    const last = FILES - 1;
    // Planted after the listing would see them is not needed: the merge cannot see an empty folder or a link.
    mkdirSync(path.join(targetRoot, keyOf(last)), { recursive: true });
    mkdirSync(path.join(targetRoot, path.dirname(keyOf(last - 1))), { recursive: true });
    symlinkSync(box.outside, path.join(targetRoot, keyOf(last - 1)));
    const error = await syncStorages(box.storage, "src", target, "").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SyncError);
    const failures = (error as SyncError).failures.map((failure) => ({ path: failure.path, code: isStowageError(failure.error) ? failure.error.code : undefined }));
    expect(failures).toEqual([{ path: keyOf(last - 1), code: "E_CONFLICT" }]);
    expect(statSync(path.join(targetRoot, keyOf(last))).isFile()).toBe(true);
    expect(lstatSync(path.join(targetRoot, keyOf(last - 1))).isSymbolicLink()).toBe(true);
    expect(readdirSync(path.join(box.outside))).toEqual(["canary.txt", "sub"]);
    expect(debris(targetRoot)).toEqual([]);
  });
});
