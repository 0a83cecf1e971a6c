// A sync between two buckets of one S3 server: S3Storage's syncStorages (server-side CopyObject,
// mtimes carried) against a naive loop that lists the source and sends GetObject + PutObject per
// file with the same concurrency (8), in one process, against one local S3 server (a child
// process, so that the objects it holds do not count in this process's RSS). Also timed: the same
// sync when the target cannot reach the source natively (another access key: streamed through
// this process without per-file checks), and a second, no-op sync (listings plus one HeadObject
// per side per file). STOWAGE_BENCH_FILES (default 1000) files of STOWAGE_BENCH_KIB KiB (default
// 16); STOWAGE_BENCH_ROUNDS rounds (default 2), the fastest counts.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { collectBytes, mapLimit, syncStorages } from "@stowage/core";
import { measure, printComparison } from "@stowage/testkit/bench";
import { spawnS3Server } from "@stowage/testkit/s3";
import { S3Storage } from "../dist/index.js";

const files = Number(process.env.STOWAGE_BENCH_FILES ?? 1000);
const size = Number(process.env.STOWAGE_BENCH_KIB ?? 16) * 1024;
const rounds = Number(process.env.STOWAGE_BENCH_ROUNDS ?? 2);
const CONCURRENCY = 8;

const server = await spawnS3Server();
const client = new S3Client(server.clientConfig);
const stranger = new S3Client({ ...server.clientConfig, credentials: { accessKeyId: "someone-else", secretAccessKey: "x" } });
let buckets = 0;
async function newBucket() {
  const name = `bench-${process.pid}-${++buckets}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** The naive mirror: list every page, then GetObject + PutObject each object. */
async function naiveCopy(from, to) {
  const keys = [];
  let token;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: from, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  await mapLimit(keys, CONCURRENCY, async (Key) => {
    const body = await collectBytes((await client.send(new GetObjectCommand({ Bucket: from, Key }))).Body);
    await client.send(new PutObjectCommand({ Bucket: to, Key, Body: body, ContentLength: body.byteLength }));
  });
}

try {
  const sourceBucket = await newBucket();
  const source = new S3Storage({ bucket: sourceBucket, client });
  const content = Buffer.alloc(size, 7);
  await mapLimit(Array.from({ length: files }, (_, i) => i), 16, (i) => source.write(`d${i % 10}/f${i}`, content));
  const storageOn = async (c) => new S3Storage({ bucket: await newBucket(), client: c });

  const results = { native: [], streamed: [], noop: [], naive: [] };
  for (let round = 0; round < rounds; round++) {
    const native = await storageOn(client);
    const streamed = await storageOn(client);
    const streamedSource = new S3Storage({ bucket: sourceBucket, client: stranger });
    const naiveTarget = await newBucket();
    results.naive.push(await measure(() => naiveCopy(sourceBucket, naiveTarget)));
    results.native.push(await measure(() => syncStorages(source, "", native, "", { concurrency: CONCURRENCY })));
    results.streamed.push(await measure(() => syncStorages(streamedSource, "", streamed, "", { concurrency: CONCURRENCY })));
    results.noop.push(
      await measure(async () => {
        const report = await syncStorages(source, "", native, "", { concurrency: CONCURRENCY });
        if (report.skipped !== files) throw new Error(`no-op sync skipped ${report.skipped} of ${files}`);
      }),
    );
  }
  const best = (list) => list.reduce((a, b) => ({ ms: Math.min(a.ms, b.ms), peakRssGrowth: Math.max(a.peakRssGrowth, b.peakRssGrowth) }));
  console.log(`${files} files of ${size / 1024} KiB between two buckets, concurrency ${CONCURRENCY}, best of ${rounds}`);
  printComparison("S3Storage sync vs naive GetObject + PutObject loop", [
    { name: "sync, server-side copies", subject: best(results.native), baseline: best(results.naive), ops: files },
    { name: "sync, streamed (other access key)", subject: best(results.streamed), baseline: best(results.naive), ops: files },
    { name: "no-op sync (HEAD per side per file)", subject: best(results.noop), baseline: best(results.naive), ops: files },
  ]);
} finally {
  client.destroy();
  stranger.destroy();
  await server.stop();
}
