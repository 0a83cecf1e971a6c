import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { isStowageError } from "@stowage/core";
import { afterEach, describe, expect, it } from "vitest";
import type { LocalFileSystemBackend } from "../src/index.js";
import { INLINE_COPIES } from "../src/native-copy.js";
import { gatherSmall, SMALL_WRITE } from "../src/small-write.js";
import { TEMP_PREFIX } from "../src/temp-files.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

let box: Sandbox | undefined;
afterEach(() => box?.cleanup());

/** A sandbox whose storage already made enough small writes for the next ones to go to copy threads. */
async function warmed(durable: boolean): Promise<{ box: Sandbox; storage: LocalFileSystemBackend }> {
  box = createSandbox({ durable });
  for (let i = 0; i <= INLINE_COPIES; i++) await box.storage.write(`warm/${i}`, `w${i}`);
  return { box, storage: box.storage };
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((entry) => path.basename(entry).startsWith(TEMP_PREFIX));
}

describe("small writes on copy threads", () => {
  for (const durable of [false, true]) {
    it(`write whole buffers and streams with their mtimes, in many folders (durable: ${durable})`, async () => {
      const { box, storage } = await warmed(durable);
      const mtime = new Date("2021-03-04T05:06:07.891Z");
      await Promise.all(
        Array.from({ length: 120 }, (_, i) => {
          const bytes = Buffer.alloc(100 + i, i);
          const content = i % 2 === 0 ? bytes : Readable.from([bytes.subarray(0, 50), bytes.subarray(50)]);
          return storage.write(`d${i % 7}/f${i}`, content, { mtime });
        }),
      );
      for (let i = 0; i < 120; i++) {
        const file = path.join(box.root, `d${i % 7}`, `f${i}`);
        expect(readFileSync(file).equals(Buffer.alloc(100 + i, i))).toBe(true);
        expect(statSync(file).mtime.getTime()).toBe(mtime.getTime());
      }
      expect(tempFiles(box.root)).toEqual([]);
    });
  }

  it("never write through a link: a link at the target or in the path is a conflict, and nothing outside changes", async () => {
    const { box, storage } = await warmed(false);
    const before = box.outsideSnapshot();
    symlinkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "at-target"));
    symlinkSync(box.outside, path.join(box.root, "via"));
    for (const key of ["at-target", "via/new", "via/canary.txt"]) {
      const error = await storage.write(key, "x").catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_CONFLICT"), `${key}: ${String(error)}`).toBe(true);
    }
    expect(readlinkSync(path.join(box.root, "at-target"))).toBe(path.join(box.outside, "canary.txt"));
    expect(box.outsideSnapshot()).toBe(before);
    expect(tempFiles(box.root)).toEqual([]);
  });

  it("replace an empty folder at the target, refuse a folder that holds a file", async () => {
    const { box, storage } = await warmed(false);
    mkdirSync(path.join(box.root, "empty"));
    mkdirSync(path.join(box.root, "full"));
    writeFileSync(path.join(box.root, "full", "inside"), "kept");
    await storage.write("empty", "now a file");
    expect(readFileSync(path.join(box.root, "empty"), "utf8")).toBe("now a file");
    const error = await storage.write("full", "no").catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_CONFLICT"), String(error)).toBe(true);
    expect(lstatSync(path.join(box.root, "full")).isDirectory()).toBe(true);
    expect(tempFiles(box.root)).toEqual([]);
  });

  it("a source that fails rejects with its own error and leaves nothing", async () => {
    const { box, storage } = await warmed(false);
    const failing = (async function* () {
      yield Buffer.alloc(10, 1);
      throw new Error("source broke");
    })();
    await expect(storage.write("broken/file", failing)).rejects.toThrow("source broke");
    expect(await storage.exists("broken/file")).toBe(false);
    expect(tempFiles(box.root)).toEqual([]);
  });
});

describe("gatherSmall", () => {
  it("keeps content up to SMALL_WRITE whole, copied from a producer that reuses its buffer; longer content streams in order", async () => {
    const reused = Buffer.alloc(1000);
    async function* producer(chunks: number): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < chunks; i++) {
        reused.fill(i);
        yield reused;
      }
    }
    const small = await gatherSmall({ chunks: producer(3) });
    expect(small.small?.byteLength).toBe(3000);
    expect([small.small?.[0], small.small?.[1500], small.small?.[2999]]).toEqual([0, 1, 2]);
    const chunks = Math.ceil(SMALL_WRITE / 1000) + 5;
    const large = await gatherSmall({ chunks: producer(chunks) });
    expect(large.small).toBeUndefined();
    const seen: number[] = [];
    for await (const chunk of large.content as AsyncIterable<Uint8Array>) seen.push(chunk[0] as number);
    expect(seen).toEqual(Array.from({ length: chunks }, (_, i) => i % 256));
  });

  it("stops the source when the stream of longer content is stopped", async () => {
    let stopped = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Buffer.alloc(16 * 1024);
      } finally {
        stopped = true;
      }
    }
    const { content } = await gatherSmall({ chunks: source() });
    const iterator = (content as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.(undefined);
    expect(stopped).toBe(true);
  });
});
