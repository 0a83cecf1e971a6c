// RedisStorage streaming benchmark: 256 MiB through streamWrite/streamRead on one private
// redis-server, against raw pipelined ioredis SET/GET of the same 256 KiB chunks (the baseline),
// in the same process. Peak RSS growth must stay flat in the file size: run 64 and 256 MiB.
import { Redis } from "ioredis";
import { measure, printComparison } from "@stowage/testkit/bench";
import { startRedis } from "@stowage/testkit/redis";
import { RedisStorage } from "../dist/index.js";

const CHUNK = 256 * 1024;
const PIPELINE = 4; // chunks in flight, as RedisStorage's default writeConcurrency/readBatch

function* chunks(bytes) {
  const chunk = Buffer.alloc(CHUNK, 7);
  for (let sent = 0; sent < bytes; sent += CHUNK) yield chunk;
}

async function rawWrite(client, bytes) {
  const inFlight = new Set();
  let i = 0;
  for (const chunk of chunks(bytes)) {
    const sent = client.set(`raw:${i++}`, chunk).then(() => inFlight.delete(sent));
    inFlight.add(sent);
    if (inFlight.size >= PIPELINE) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return i;
}

async function rawRead(client, count) {
  let total = 0;
  for (let first = 0; first < count; first += PIPELINE) {
    const keys = Array.from({ length: Math.min(PIPELINE, count - first) }, (_, j) => `raw:${first + j}`);
    for (const value of await client.mgetBuffer(...keys)) total += value.byteLength;
  }
  return total;
}

const server = await startRedis();
const client = new Redis({ path: server.socket });
const storage = new RedisStorage({ path: server.socket, readerGraceMs: 1 });
try {
  const rows = [];
  // STOWAGE_BENCH_MIB: file sizes, comma-separated (default 64 and 256).
  for (const mib of (process.env.STOWAGE_BENCH_MIB ?? "64,256").split(",").map(Number)) {
    const bytes = mib * 1024 * 1024;
    let count = 0;
    const baseWrite = await measure(async () => {
      count = await rawWrite(client, bytes);
    });
    const write = await measure(() => storage.streamWrite(`bench/${mib}`, chunks(bytes)));
    let read = 0;
    const baseRead = await measure(async () => {
      read = await rawRead(client, count);
    });
    let streamed = 0;
    const subjectRead = await measure(async () => {
      for await (const chunk of storage.streamRead(`bench/${mib}`)) streamed += chunk.byteLength;
    });
    if (read !== bytes || streamed !== bytes) throw new Error(`read ${read}/${streamed} of ${bytes} bytes`);
    // Issue 14's target: both directions at least 0.8x the raw pipeline's throughput.
    rows.push({ name: `streamWrite ${mib} MiB`, subject: write, baseline: baseWrite, bytes, target: 0.8 });
    rows.push({ name: `streamRead ${mib} MiB`, subject: subjectRead, baseline: baseRead, bytes, target: 0.8 });
    await client.flushall();
  }
  printComparison("RedisStorage vs raw ioredis SET/MGET of 256 KiB chunks (unix socket)", rows);
} finally {
  client.disconnect();
  await storage.close();
  await server.stop();
}
