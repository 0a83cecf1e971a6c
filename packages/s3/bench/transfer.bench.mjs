// Upload and download of one big object of unknown length: S3Storage against the plain SDK, in one
// process, against the same local S3 server (run in a child process so that the objects it holds
// do not count in this process's RSS). STOWAGE_BENCH_MIB scales the object (default 512),
// STOWAGE_BENCH_ROUNDS repeats each measurement (default 2, the fastest run counts).
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { measure, mib, printComparison } from "@stowage/testkit/bench";
import { spawnS3Server } from "@stowage/testkit/s3";
import { S3Storage } from "../dist/index.js";

const MIB = 1024 * 1024;
const sizeMib = Number(process.env.STOWAGE_BENCH_MIB ?? 512);
const bytes = sizeMib * MIB;
const rounds = Number(process.env.STOWAGE_BENCH_ROUNDS ?? 2);
// Parts stay under the test server's 11 MiB body limit.
const partSize = 8 * MIB;
const queueSize = 4;

/** An unknown-length source: 1 MiB chunks, each a fresh buffer, as a file or socket would give. */
async function* source() {
  const block = randomBytes(MIB);
  for (let sent = 0; sent < bytes; sent += MIB) yield Buffer.from(block);
}

async function drain(iterable) {
  let total = 0;
  for await (const chunk of iterable) total += chunk.byteLength;
  if (total !== bytes) throw new Error(`read ${total} bytes, expected ${bytes}`);
}

const server = await spawnS3Server();
const client = new S3Client(server.clientConfig);
const storage = new S3Storage({ bucket: server.bucket, client, partSize, queueSize, checkConflicts: false });
const remove = (Key) => client.send(new DeleteObjectCommand({ Bucket: server.bucket, Key }));

try {
  // Warm up connections and code paths on a small object first.
  await storage.write("warmup", randomBytes(MIB));

  const upload = {
    baseline: () =>
      new Upload({ client, params: { Bucket: server.bucket, Key: "baseline", Body: Readable.from(source()) }, partSize, queueSize })
        .done()
        .then(() => remove("baseline")),
    subject: () => storage.streamWrite("subject", source()),
  };
  const download = {
    baseline: async () => drain((await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: "subject" }))).Body),
    read: async () => drain(await storage.read("subject")),
    streamRead: async () => drain(storage.streamRead("subject")),
  };
  // Alternate the runs and keep each side's fastest, so that neither side always runs first.
  const best = (runs) => runs.reduce((a, b) => ({ ms: Math.min(a.ms, b.ms), peakRssGrowth: Math.max(a.peakRssGrowth, b.peakRssGrowth) }));
  const results = { baselineUpload: [], subjectUpload: [], baselineDownload: [], readDownload: [], streamReadDownload: [] };
  for (let round = 0; round < rounds; round++) {
    // The first upload of a process also pays for growing the heap: take turns paying it.
    if (round % 2 === 0) results.subjectUpload.push(await measure(upload.subject));
    results.baselineUpload.push(await measure(upload.baseline));
    if (round % 2 === 1) results.subjectUpload.push(await measure(upload.subject));
    results.readDownload.push(await measure(download.read));
    results.baselineDownload.push(await measure(download.baseline));
    results.streamReadDownload.push(await measure(download.streamRead));
    await remove("subject");
  }
  const baselineUpload = best(results.baselineUpload);
  const subjectUpload = best(results.subjectUpload);
  const baselineDownload = best(results.baselineDownload);
  const readDownload = best(results.readDownload);
  const streamReadDownload = best(results.streamReadDownload);

  console.log(`object ${mib(bytes)}, best of ${rounds}, parts ${mib(partSize)} x ${queueSize} in flight (bound ${mib((queueSize + 1) * partSize)} + 64 MiB)`);
  printComparison("S3Storage vs the AWS SDK", [
    { name: "upload (streamWrite vs lib-storage Upload)", subject: subjectUpload, baseline: baselineUpload, bytes, target: 1.0 },
    { name: "download (read vs GetObject)", subject: readDownload, baseline: baselineDownload, bytes, target: 0.95 },
    { name: "download (streamRead 256 KiB vs GetObject)", subject: streamReadDownload, baseline: baselineDownload, bytes, target: 0.95 },
  ]);
} finally {
  client.destroy();
  await server.stop();
}
