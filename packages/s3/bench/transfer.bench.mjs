// Upload and download of one big object of unknown length: S3Storage (`write` of a Readable and
// `streamWrite`) against the plain SDK (`@aws-sdk/lib-storage`), with the TCP connections each run
// opened (through a counting relay), in one
// process, against the same local S3 server (run in a child process so that the objects it holds
// do not count in this process's RSS). STOWAGE_BENCH_MIB scales the object (default 512),
// STOWAGE_BENCH_ROUNDS repeats each measurement (default 3, downloads three times per round; the
// fastest run counts for speed, the largest for memory). A 64 MiB round runs first, unmeasured,
// so that neither side pays alone for warming up the heap, sockets and JIT.
import { randomBytes } from "node:crypto";
import { connect, createServer } from "node:net";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { measure, mib, printComparison } from "@stowage/testkit/bench";
import { spawnS3Server } from "@stowage/testkit/s3";
import { S3Storage } from "../dist/index.js";

const MIB = 1024 * 1024;
const bytes = Number(process.env.STOWAGE_BENCH_MIB ?? 512) * MIB;
const rounds = Number(process.env.STOWAGE_BENCH_ROUNDS ?? 3);
// Parts stay under the test server's 11 MiB body limit.
const partSize = 8 * MIB;
const queueSize = 4;
const block = randomBytes(MIB);

/** An unknown-length source: 1 MiB chunks, each a fresh buffer, as a file or socket would give. */
async function* source(size) {
  for (let sent = 0; sent < size; sent += MIB) yield Buffer.from(block);
}

async function drain(iterable, size) {
  let total = 0;
  for await (const chunk of iterable) total += chunk.byteLength;
  if (total !== size) throw new Error(`read ${total} bytes, expected ${size}`);
}

/** A TCP relay in front of `endpoint` that counts the connections opened through it. */
async function connectionCounter(endpoint) {
  const target = new URL(endpoint);
  let opened = 0;
  const relay = createServer((socket) => {
    opened++;
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${relay.address().port}`,
    take: () => [opened, (opened = 0)][0],
    close: () => new Promise((resolve) => relay.close(resolve)),
  };
}

const server = await spawnS3Server();
const counter = await connectionCounter(server.endpoint);
// The first rows: both sides send through one client you pass, so they share its checksum setting (the SDK's default) and agent.
const client = new S3Client({ ...server.clientConfig, endpoint: counter.endpoint });
const storage = new S3Storage({ bucket: server.bucket, client, partSize, queueSize, checkConflicts: false });
// A storage that builds its own client (keep-alive agent, checksums only where required), against
// lib-storage on a client with the same checksum setting.
const clientConfig = { ...server.clientConfig, endpoint: counter.endpoint };
const own = new S3Storage({ bucket: server.bucket, clientConfig, partSize, queueSize, checkConflicts: false });
const requiredOnly = new S3Client({ ...clientConfig, requestChecksumCalculation: "WHEN_REQUIRED" });
const remove = (Key) => client.send(new DeleteObjectCommand({ Bucket: server.bucket, Key }));

/** One run of each of the five operations on an object of `size` bytes. */
const operations = (size) => ({
  baselineUpload: () =>
    new Upload({ client, params: { Bucket: server.bucket, Key: "baseline", Body: Readable.from(source(size)) }, partSize, queueSize })
      .done()
      .then(() => remove("baseline")),
  subjectUpload: () => storage.streamWrite("subject", source(size)),
  writeUpload: () => storage.write("written", Readable.from(source(size))).then(() => remove("written")),
  ownBaselineUpload: () =>
    new Upload({ client: requiredOnly, params: { Bucket: server.bucket, Key: "own-baseline", Body: Readable.from(source(size)) }, partSize, queueSize })
      .done()
      .then(() => remove("own-baseline")),
  ownWriteUpload: () => own.write("own-written", Readable.from(source(size))).then(() => remove("own-written")),
  readDownload: async () => drain(await storage.read("subject"), size),
  baselineDownload: async () => drain((await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: "subject" }))).Body, size),
  streamReadDownload: async () => drain(storage.streamRead("subject"), size),
});

try {
  for (const run of Object.values(operations(Math.min(bytes, 64 * MIB)))) await run();
  await remove("subject");

  const results = {};
  const connections = {};
  const ops = Object.entries(operations(bytes));
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first in each pair.
    const uploads = round % 2 === 0 ? ops.slice(0, 5) : ops.slice(0, 5).reverse();
    // Downloads are quick and noisy: three of each per round.
    const downloads = round % 2 === 0 ? ops.slice(5) : [ops[6], ops[5], ops[7]];
    for (const [name, run] of [...uploads, ...downloads, ...downloads, ...downloads]) {
      counter.take();
      (results[name] ??= []).push(await measure(run));
      (connections[name] ??= []).push(counter.take());
    }
    await remove("subject");
  }
  const best = (name) =>
    results[name].reduce((a, b) => ({ ms: Math.min(a.ms, b.ms), peakRssGrowth: Math.max(a.peakRssGrowth, b.peakRssGrowth) }));

  console.log(`object ${mib(bytes)}, best of ${rounds}, parts ${mib(partSize)} x ${queueSize} in flight (RSS target ${mib(queueSize * partSize + 64 * MIB)})`);
  printComparison("S3Storage vs the AWS SDK", [
    { name: "upload (write(Readable) vs lib-storage)", subject: best("writeUpload"), baseline: best("baselineUpload"), bytes, target: 1.0 },
    { name: "upload (streamWrite vs lib-storage)", subject: best("subjectUpload"), baseline: best("baselineUpload"), bytes, target: 1.0 },
    { name: "upload (write(Readable), own client, vs lib-storage, WHEN_REQUIRED)", subject: best("ownWriteUpload"), baseline: best("ownBaselineUpload"), bytes, target: 1.0 },
    { name: "download (read vs GetObject)", subject: best("readDownload"), baseline: best("baselineDownload"), bytes, target: 0.95 },
    { name: "download (streamRead vs GetObject)", subject: best("streamReadDownload"), baseline: best("baselineDownload"), bytes, target: 0.95 },
  ]);
  console.log("TCP connections opened per run (most of any round):");
  for (const [name, counts] of Object.entries(connections)) console.log(`  ${name.padEnd(20)} ${Math.max(...counts)}`);
} finally {
  own.close();
  requiredOnly.destroy();
  await counter.close();
  client.destroy();
  await server.stop();
}
