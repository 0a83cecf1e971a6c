import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidPathError } from "@stowage/core";
import { TEMP_PREFIX } from "../src/index.js";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

describe("sync inside one backend", () => {
  it("copies new files, skips unchanged ones, deletes extras, and is a no-op when re-run", async () => {
    await box.storage.write("src/a", "alpha");
    await box.storage.write("src/deep/b", "beta");
    await box.storage.write("dst/extra/old", "gone soon");
    const events: string[] = [];
    const first = await box.storage.sync("src", "dst", { onProgress: (event) => events.push(`${event.action} ${event.path}`) });
    expect(first).toEqual({ copied: 2, skipped: 0, deleted: 1, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 9, dryRun: false });
    expect(events.sort()).toEqual(["copy a", "copy deep/b", "delete extra/old"]);
    expect(await box.storage.recursiveList("dst")).toEqual(["dst/a", "dst/deep/b"]);
    expect(await readText(box.storage, "dst/deep/b")).toBe("beta");
    expect(listDisk(path.join(box.root, "dst"))).toEqual(["a", "deep/", "deep/b"]);
    const again = await box.storage.sync("src/", "dst/");
    expect(again).toMatchObject({ copied: 0, skipped: 2, deleted: 0 });
  });

  it("recopies a file whose size changed, and one whose mtime changed either way", async () => {
    await box.storage.write("src/a", "one");
    await box.storage.write("src/b", "two");
    await box.storage.write("src/c", "old");
    await box.storage.sync("src", "dst");
    await box.storage.write("src/a", "three");
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(box.root, "src", "b"), future, future);
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(box.root, "src", "c"), past, past);
    const copied: string[] = [];
    const report = await box.storage.sync("src", "dst", { onProgress: (event) => event.action === "copy" && copied.push(event.path) });
    expect(report.copied).toBe(3);
    expect(copied.sort()).toEqual(["a", "b", "c"]);
    expect(await readText(box.storage, "dst/a")).toBe("three");
  });

  it("compares content with compare: checksum", async () => {
    await box.storage.write("src/a", "same");
    await box.storage.write("dst/a", "diff");
    const report = await box.storage.sync("src", "dst", { compare: "checksum" });
    expect(report.copied).toBe(1);
    expect((await box.storage.sync("src", "dst", { compare: "checksum" })).skipped).toBe(1);
  });

  it("dry runs change nothing and overlapping prefixes are refused", async () => {
    await box.storage.write("src/a", "x");
    const before = listDisk(box.root);
    expect(await box.storage.sync("src", "dst", { dryRun: true })).toMatchObject({ copied: 1, dryRun: true });
    expect(listDisk(box.root)).toEqual(before);
    await expect(box.storage.sync("src", "src/inner")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(box.storage.sync("", "dst")).rejects.toBeInstanceOf(InvalidPathError);
  });

  it("keeps extras with deleteExtraneous: false, and a file blocking a folder is a sync failure", async () => {
    await box.storage.write("src/a/b", "x");
    await box.storage.write("dst/a", "a file where a folder is needed");
    await expect(box.storage.sync("src", "dst", { deleteExtraneous: false })).rejects.toMatchObject({ code: "E_SYNC" });
    expect(await readText(box.storage, "dst/a")).toBe("a file where a folder is needed");
  });
});

describe("cleanupTempFiles", () => {
  it("removes old leftovers, keeps fresh ones and data, prunes emptied folders", async () => {
    await box.storage.write("keep/data", "x");
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    mkdirSync(path.join(box.root, "crashed", "deep"), { recursive: true });
    const leftovers = [
      path.join(box.root, "crashed", "deep", `${TEMP_PREFIX}00000000000000aa`),
      path.join(box.root, "keep", `${TEMP_PREFIX}00000000000000bb`),
    ];
    for (const file of leftovers) {
      writeFileSync(file, "partial");
      utimesSync(file, old, old);
    }
    writeFileSync(path.join(box.root, "keep", `${TEMP_PREFIX}00000000000000cc`), "in progress");
    const removed = await box.storage.cleanupTempFiles();
    expect(removed).toEqual([`crashed/deep/${TEMP_PREFIX}00000000000000aa`, `keep/${TEMP_PREFIX}00000000000000bb`]);
    expect(listDisk(box.root)).toEqual(["keep/", `keep/${TEMP_PREFIX}00000000000000cc`, "keep/data"]);
    expect(await box.storage.cleanupTempFiles({ olderThan: 0, prefix: "keep" })).toEqual([
      `keep/${TEMP_PREFIX}00000000000000cc`,
    ]);
    expect(listDisk(box.root)).toEqual(["keep/", "keep/data"]);
  });
});
