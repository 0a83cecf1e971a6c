// The rows of `sync-s3.mjs` beyond local → S3 (issue 23): S3 → local (first run and no-op, both
// tools without fsync: stowage's `durable=false`, rclone's default) and the `--checksum` no-op of
// local → S3 (size and MD5: each tool hashes every size-matching local file, every run). Each row
// times both tools in alternating runs and verifies what they wrote.
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buffer } from "node:stream/consumers";
import { S3Storage } from "@stowage/s3";
import { BIN, RUNS, alternate, countFiles, measureChild, settle, treeKey, warm } from "./env.mjs";

/**
 * S3 → local: both tools mirror `bucket/data` (written by a sync of `src`) into folders of their
 * own. The first run starts from an empty folder; each no-op run follows one same-size change of an
 * object with a newer mtime and one rollback to an older one, made in the bucket.
 */
export async function s3ToLocal(bench) {
  const { dir, bucket, query, clientConfig, stowageEnv, rcloneEnv, files, folders, size, measured } = bench;
  const targetOf = { stowage: path.join(dir, "down-stowage"), rclone: path.join(dir, "down-rclone") };
  const sides = {
    stowage: measured("stowage", () =>
      measureChild(process.execPath, [BIN, "sync", "--quiet", `s3://${bucket}/data?${query}`, `${pathToFileURL(targetOf.stowage).href}?durable=false`], stowageEnv),
    ),
    rclone: measured("rclone", () => measureChild("rclone", ["sync", `bench:${bucket}/data`, targetOf.rclone], rcloneEnv)),
  };
  const storage = new S3Storage({ bucket, prefix: "data", clientConfig, checkConflicts: false });
  /** The local copy of `key` holds the object's bytes and its mtime (to the ms). */
  const verifyKey = async (side, key) => {
    const [local, remote] = await Promise.all([stat(path.join(targetOf[side], key)), storage.stat(key)]);
    if (Math.abs(local.mtimeMs - remote.mtime.getTime()) >= 1) throw new Error(`${side}: ${key} has mtime ${local.mtime.toISOString()}, the object ${remote.mtime.toISOString()}`);
    const expected = await buffer(await storage.read(key));
    if (!(await readFile(path.join(targetOf[side], key))).equals(expected)) throw new Error(`${side}: ${key} differs from the object`);
  };
  const lastKey = treeKey(files - 1, files, folders);
  try {
    const firstHooks = {
      before: async (side) => {
        await rm(targetOf[side], { recursive: true, force: true });
        await mkdir(targetOf[side]);
        settle(dir);
      },
      verify: async (side) => {
        const count = await countFiles(targetOf[side]);
        if (count !== files) throw new Error(`${side}: ${count} files downloaded, the bucket holds ${files}`);
        await verifyKey(side, lastKey);
      },
    };
    await alternate(sides, 1, firstHooks);
    const first = await alternate(sides, RUNS, firstHooks);
    const firstRequests = bench.lastRequests();

    const changed = treeKey(Math.floor(files / 4), files, folders);
    const rolled = treeKey(Math.floor(files / 5), files, folders);
    let round = 0;
    const noopHooks = {
      before: async () => {
        round++;
        const newer = await storage.stat(changed);
        await storage.write(changed, randomBytes(size), { mtime: new Date(Math.max(Date.now(), newer.mtime.getTime() + 2000)) });
        const older = await storage.stat(rolled);
        await storage.write(rolled, randomBytes(size), { mtime: new Date(older.mtime.getTime() - 86_400_000 * round) });
        settle(dir);
      },
      verify: async (side) => {
        await verifyKey(side, changed);
        await verifyKey(side, rolled);
      },
    };
    await alternate(sides, 1, noopHooks);
    const noop = await alternate(sides, RUNS, noopHooks);
    return { first, noop, firstRequests, noopRequests: bench.lastRequests() };
  } finally {
    storage.close();
  }
}

/**
 * local → S3 with size and MD5 compared (`--compare checksum`, rclone's `--checksum`): a no-op after
 * one same-size change with a newer mtime and one with an older mtime, into the buckets the
 * local → S3 rows filled. Returns the medians and the last run's requests.
 */
export async function checksumNoop(bench) {
  const { src, dir, buckets, query, stowageEnv, rcloneEnv, files, folders, size, measured, changeFile, rollBack, verifyKeys } = bench;
  const sides = {
    stowage: measured("stowage", () =>
      measureChild(process.execPath, [BIN, "sync", "--quiet", "--compare", "checksum", src, `s3://${buckets.stowage}/data?${query}`], stowageEnv),
    ),
    rclone: measured("rclone", () => measureChild("rclone", ["sync", "--checksum", src, `bench:${buckets.rclone}/data`], rcloneEnv)),
  };
  const changed = treeKey(Math.floor(files / 6), files, folders);
  const rolled = treeKey(Math.floor(files / 7), files, folders);
  const hooks = {
    before: async () => {
      await changeFile(src, changed, size);
      await rollBack(rolled);
      settle(dir);
      warm(src);
    },
    verify: (side) => verifyKeys(side, [changed, rolled]),
  };
  await alternate(sides, 1, hooks);
  const noop = await alternate(sides, RUNS, hooks);
  return { noop, requests: bench.lastRequests() };
}
