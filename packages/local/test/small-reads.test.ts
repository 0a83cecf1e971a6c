import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, realpathSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileChunks, openFile, streamReadSize } from "../src/readers.js";
import { SMALL_FILE, smallFileMd5 } from "../src/small-file-md5.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

let box: Sandbox;
let root: string;
beforeEach(() => {
  box = createSandbox();
  root = realpathSync(box.root);
});
afterEach(() => box.cleanup());

const md5 = (bytes: Buffer | string): string => createHash("md5").update(bytes).digest("hex");

describe("reads sized by the file", () => {
  it("streamRead's chunks stay exact for a file that grew after it was opened", async () => {
    const file = path.join(root, "growing");
    writeFileSync(file, "0123456789");
    const opened = await openFile(root, "growing", file);
    appendFileSync(file, Buffer.alloc(1000, 7));
    const sizes: number[] = [];
    for await (const chunk of fileChunks(opened, 256, "growing")) sizes.push(chunk.byteLength);
    expect(sizes).toEqual([256, 256, 256, 242]);
  });

  it("a small file's read buffer is its size plus one, never less than 16 KiB or more than a chunk", () => {
    expect(streamReadSize(512, 256 * 1024)).toBe(16 * 1024);
    expect(streamReadSize(100_000, 256 * 1024)).toBe(100_001);
    expect(streamReadSize(10_000_000, 256 * 1024)).toBe(256 * 1024);
    expect(streamReadSize(0, 4096)).toBe(4096);
  });
});

describe("smallFileMd5", () => {
  it("hashes small files at once, and leaves big ones, links and files behind links to the streamed path", () => {
    mkdirSync(path.join(root, "d"));
    writeFileSync(path.join(root, "d", "small"), "small content");
    writeFileSync(path.join(root, "d", "empty"), "");
    writeFileSync(path.join(root, "d", "big"), Buffer.alloc(SMALL_FILE + 1, 1));
    symlinkSync(path.join(root, "d", "small"), path.join(root, "d", "link"));
    symlinkSync(path.join(root, "d"), path.join(root, "via"));
    expect(smallFileMd5(root, path.join(root, "d", "small"))).toBe(md5("small content"));
    expect(smallFileMd5(root, path.join(root, "d", "empty"))).toBe(md5(""));
    expect(smallFileMd5(root, path.join(root, "d", "big"))).toBeUndefined();
    expect(smallFileMd5(root, path.join(root, "d", "link"))).toBeUndefined();
    expect(smallFileMd5(root, path.join(root, "via", "small"))).toBeUndefined();
    expect(smallFileMd5(root, path.join(root, "d", "missing"))).toBeUndefined();
    expect(smallFileMd5(root, path.join(root, "d"))).toBeUndefined();
  });

  it("a folder found real is trusted for a moment only: swapped for a link, it is found out within 250 ms", async () => {
    mkdirSync(path.join(root, "e"));
    writeFileSync(path.join(root, "e", "small"), "inside");
    writeFileSync(path.join(root, "outside"), "inside");
    expect(smallFileMd5(root, path.join(root, "e", "small"))).toBe(md5("inside"));
    renameSync(path.join(root, "e"), path.join(root, "e-moved"));
    mkdirSync(path.join(root, "elsewhere"));
    writeFileSync(path.join(root, "elsewhere", "small"), "inside");
    symlinkSync(path.join(root, "elsewhere"), path.join(root, "e"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smallFileMd5(root, path.join(root, "e", "small"))).toBeUndefined();
  });
});
