// `stowage sync` local → S3 at scale, through the CLI, against `rclone sync` to the same server
// (issue 11): 10,000 files of 512 B in 100 folders, a first run into an empty bucket, then no-op
// runs that each follow a change to one source file. The S3 server (fauxqs, loopback) runs in its
// own process, so its memory counts for neither tool. Times are medians of alternating runs; RSS is
// each child's peak (`/usr/bin/time -f %M`). A measurement, never a test.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { S3Storage } from "@stowage/s3";
import { spawnS3Server } from "@stowage/testkit/s3";
import {
  BIN,
  RUNS,
  SCALE,
  alternate,
  changeFile,
  ensureTools,
  makeTree,
  measureChild,
  mib,
  printLoad,
  printTargets,
  scratch,
  seconds,
  settle,
  treeKey,
} from "./env.mjs";

// The AWS SDK warns on Node 20 at every client; the verification below creates a few.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const FILES = Math.max(100, Math.round(10_000 * SCALE));
const FOLDERS = Math.max(1, Math.round(100 * SCALE));
const SIZE = 512;
const MAX_RSS = 100 * 1024 * 1024;

ensureTools({ rclone: "rclone", "/usr/bin/time": "time" });
printLoad();
const dir = scratch("sync-s3");
const src = path.join(dir, "src");
await makeTree(src, { files: FILES, folders: FOLDERS, size: SIZE });
console.log(`${FILES} files of ${SIZE} B in ${FOLDERS} folders`);

const server = await spawnS3Server();
process.on("exit", () => void server.stop());
const { endpoint, clientConfig } = server;
const { AWS_CA_BUNDLE: _unused, ...withoutCaBundle } = process.env;
const stowageEnv = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const rcloneEnv = {
  ...withoutCaBundle,
  RCLONE_CONFIG: "/dev/null",
  RCLONE_CONFIG_BENCH_TYPE: "s3",
  RCLONE_CONFIG_BENCH_PROVIDER: "Other",
  RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: "test",
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: "test",
  RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
};

// Each side writes under prefix `data/` of its own bucket; each first run gets a fresh bucket.
const bucketOf = {};
let buckets = 0;
async function freshBucket(side) {
  const name = `bench-${side}-${++buckets}`;
  // The server refuses unsigned requests, so the bucket is made in its process.
  bucketOf[side] = await server.createBucket(name);
}
const query = new URLSearchParams({ endpoint, forcePathStyle: "true", region: "us-east-1" });
const sides = {
  stowage: () => measureChild(process.execPath, [BIN, "sync", "--quiet", src, `s3://${bucketOf.stowage}/data?${query}`], stowageEnv),
  rclone: () => measureChild("rclone", ["sync", src, `bench:${bucketOf.rclone}/data`], rcloneEnv),
};

/** The bucket must hold every file, and `key` with the source's content: nobody wins by doing less. */
async function verify(side, key, expected) {
  const storage = new S3Storage({ bucket: bucketOf[side], prefix: "data", clientConfig });
  try {
    const count = (await storage.recursiveList("")).length;
    if (count !== FILES) throw new Error(`${side}: target holds ${count} files, the source ${FILES}`);
    if (!(await buffer(await storage.read(key))).equals(expected)) throw new Error(`${side}: ${key} differs from the source`);
  } finally {
    storage.close();
  }
}

// First run into an empty bucket; the first round is untimed and warms every side alike.
const lastKey = treeKey(FILES - 1, FILES, FOLDERS);
const lastContent = await readFile(path.join(src, lastKey));
const firstHooks = {
  before: async (side) => {
    await freshBucket(side);
    settle(dir);
  },
  verify: (side) => verify(side, lastKey, lastContent),
};
await alternate(sides, 1, firstHooks);
const first = await alternate(sides, RUNS, firstHooks);

// No-op: before each run one source file changes (same size, new content, newer mtime).
const changedKey = treeKey(Math.floor(FILES / 2), FILES, FOLDERS);
let changed;
const noopHooks = {
  before: async () => {
    changed = await changeFile(src, changedKey, SIZE);
    settle(dir);
  },
  verify: (side) => verify(side, changedKey, changed),
};
await alternate(sides, 1, noopHooks);
const noop = await alternate(sides, RUNS, noopHooks);

console.log(`\n## local → S3 (fauxqs on loopback), ${FILES} files of ${SIZE} B (median of ${RUNS} alternating runs; ratio = stowage time / rclone time)`);
console.log(`${"case".padEnd(24)}${"stowage".padStart(10)}${"rclone".padStart(10)}${"/rclone".padStart(9)}   peak RSS stowage | rclone`);
for (const [name, m] of [
  ["first run", first],
  ["no-op after 1 change", noop],
]) {
  console.log(
    `${name.padEnd(24)}${seconds(m.stowage.ms).padStart(10)}${seconds(m.rclone.ms).padStart(10)}${`${(m.stowage.ms / m.rclone.ms).toFixed(2)}x`.padStart(9)}   ${mib(m.stowage.rss)} | ${mib(m.rclone.rss)}`,
  );
}
const peak = Math.max(first.stowage.rss, noop.stowage.rss);
printTargets([
  { text: `first run <= 1.5x rclone (${(first.stowage.ms / first.rclone.ms).toFixed(2)}x)`, met: first.stowage.ms <= 1.5 * first.rclone.ms },
  { text: `no-op <= 1.5x rclone (${(noop.stowage.ms / noop.rclone.ms).toFixed(2)}x)`, met: noop.stowage.ms <= 1.5 * noop.rclone.ms },
  { text: `stowage peak RSS <= 100 MiB (${mib(peak)}, the larger of the two cases)`, met: peak <= MAX_RSS },
]);
await server.stop();
