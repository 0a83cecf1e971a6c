// streamWrite + streamRead of one big file vs a raw fs.createReadStream -> createWriteStream pipeline.
import { createReadStream, createWriteStream, openSync, writeSync, closeSync, rmSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { measure, mib, printComparison } from "@stowage/testkit/bench";
import { LocalFileSystemBackend } from "../dist/index.js";
import { SCALE, printLoad, scratch, settle } from "./env.mjs";

const dir = scratch("stream");
const BLOCK = 1024 * 1024;

function makeSource(file, bytes) {
  const block = randomFillSync(Buffer.allocUnsafe(BLOCK));
  const fd = openSync(file, "w");
  for (let written = 0; written < bytes; written += BLOCK) writeSync(fd, block, 0, Math.min(BLOCK, bytes - written));
  closeSync(fd);
}

async function drain(iterable) {
  let bytes = 0;
  for await (const chunk of iterable) bytes += chunk.byteLength;
  return bytes;
}

async function run(bytes) {
  const label = mib(bytes).replace(".0 MiB", " MiB");
  const source = path.join(dir, "source");
  makeSource(source, bytes);
  settle(dir);
  const copy = path.join(dir, "raw-copy");
  const durable = new LocalFileSystemBackend({ location: path.join(dir, "durable") });
  const fast = new LocalFileSystemBackend({ location: path.join(dir, "fast"), durable: false });

  const baseWrite = await measure(() => pipeline(createReadStream(source), createWriteStream(copy)));
  settle(dir);
  const baseRead = await measure(() => drain(createReadStream(copy)));
  rmSync(copy);
  settle(dir);
  const rows = [];
  for (const [name, storage] of [
    ["durable: false", fast],
    ["durable (fsync)", durable],
  ]) {
    const write = await measure(() => storage.streamWrite("big", createReadStream(source)));
    settle(dir);
    const read = await measure(async () => {
      if ((await drain(storage.streamRead("big"))) !== bytes) throw new Error("short read");
    });
    await storage.delete("big");
    settle(dir);
    rows.push(
      { name: `streamWrite ${label}, ${name}`, subject: write, baseline: baseWrite, bytes, target: 0.9 },
      { name: `streamRead ${label}, ${name}`, subject: read, baseline: baseRead, bytes, target: 0.9 },
      {
        name: `write+read ${label}, ${name}`,
        subject: sum(write, read),
        baseline: sum(baseWrite, baseRead),
        bytes: 2 * bytes,
        target: 0.9,
      },
    );
  }
  rmSync(source);
  printComparison(`local: stream ${label} (baseline: createReadStream -> createWriteStream, then createReadStream)`, rows);
}

function sum(a, b) {
  return { ms: a.ms + b.ms, peakRssGrowth: Math.max(a.peakRssGrowth, b.peakRssGrowth) };
}

printLoad();
for (const size of [100 * BLOCK, 1024 * BLOCK]) await run(Math.max(BLOCK, Math.round(size * SCALE)));
