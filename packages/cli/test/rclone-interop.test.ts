import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/**
 * Issue 24, item 1, against the real rclone (Debian's 1.60, installed by scripts/setup.sh): a tree
 * that either tool mirrored is a no-op for the other. Modification times are random to the
 * nanosecond (set with GNU `touch`, since Node writes only microseconds), so a tool that rounds,
 * truncates or compares to the millisecond copies about every file.
 */
const run = promisify(execFile);
const SEED = 20261206;

/** A small deterministic generator, so that a failure names trees that can be made again. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` files under `root` with random nanosecond mtimes; returns their relative paths. */
async function randomTree(root: string, count: number, seed: number, big: number[] = []): Promise<string[]> {
  const random = generator(seed);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const rel = `d${i % 4}/f${i}.${["txt", "html", "png", "bin"][i % 4]}`;
    const file = join(root, rel);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, big.includes(i) ? randomBytes(6 * 1024 * 1024 + 17) : randomBytes(1 + Math.floor(random() * 2000)));
    // Any second of 2001–2030, any nanosecond: half of these have a sub-ms part of 0.5 ms or more.
    const seconds = 978_307_200 + Math.floor(random() * 946_080_000);
    const ns = String(Math.floor(random() * 1e9)).padStart(9, "0");
    await run("touch", ["-m", "-d", `@${seconds}.${ns}`, file]);
    paths.push(rel);
  }
  return paths;
}

/** rclone's "copied" and "updated modification time" lines of a `-v` run, and its whole log. */
async function rclone(args: string[], env: NodeJS.ProcessEnv): Promise<{ copies: string[]; log: string }> {
  const { stderr } = await run("rclone", [...args, "-v", "--stats", "0"], { env, maxBuffer: 64 * 1024 * 1024 });
  const copies = stderr.split("\n").filter((line) => /: (Copied|Updated modification time|Multipart upload)/.test(line));
  return { copies, log: stderr };
}

describe("rclone and stowage: a tree either one mirrored is a no-op for the other (real rclone)", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let server: S3TestServer;
  let env: NodeJS.ProcessEnv;
  const s3Env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" };
  const s3Url = (bucket: string, prefix: string) =>
    `s3://${bucket}/${prefix}?endpoint=${server.endpoint}&region=us-east-1&forcePathStyle=true&partSize=5242880`;

  beforeAll(async () => {
    dir = await temporaryFolder();
    server = await startS3Server();
    const { AWS_CA_BUNDLE: _unused, ...rest } = process.env;
    env = {
      ...rest,
      RCLONE_CONFIG: "/dev/null",
      RCLONE_CONFIG_T_TYPE: "s3",
      RCLONE_CONFIG_T_PROVIDER: "Other",
      RCLONE_CONFIG_T_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_T_ACCESS_KEY_ID: "test",
      RCLONE_CONFIG_T_SECRET_ACCESS_KEY: "test",
      RCLONE_CONFIG_T_FORCE_PATH_STYLE: "true",
    };
    console.log(`rclone interop: seed ${SEED}`);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dir?.cleanup();
  });

  it("local → local: rclone's mirror is a no-op for stowage, and stowage's for rclone (--modify-window 1us: Node writes µs)", async () => {
    const src = join(dir.path, "ll-src");
    await randomTree(src, 40, SEED);
    await rclone(["sync", src, join(dir.path, "ll-by-rclone")], env);
    const again = await stowage(["sync", "--json", src, join(dir.path, "ll-by-rclone")]);
    expect(again.stderr).toBe("");
    expect(JSON.parse(again.out)).toMatchObject({ copied: 0, skipped: 40 });
    expect((await stowage(["check", src, join(dir.path, "ll-by-rclone")])).code).toBe(0);

    expect((await stowage(["sync", src, join(dir.path, "ll-by-stowage")])).code).toBe(0);
    const back = await rclone(["sync", "--modify-window", "1us", src, join(dir.path, "ll-by-stowage")], env);
    expect(back.copies).toEqual([]);
  }, 120_000);

  it("local → S3: rclone's objects are a no-op for stowage sync and check", async () => {
    const src = join(dir.path, "ls-src");
    await randomTree(src, 40, SEED + 1);
    const bucket = server.createBucket();
    await rclone(["sync", src, `t:${bucket}/r`], env);
    const again = await stowage(["sync", "--json", src, s3Url(bucket, "r")], { env: s3Env });
    expect(again.stderr).toBe("");
    expect(JSON.parse(again.out)).toMatchObject({ copied: 0, skipped: 40 });
    expect((await stowage(["check", src, s3Url(bucket, "r")], { env: s3Env })).code).toBe(0);
  }, 120_000);

  it("local → S3: stowage's objects (small and multipart) are a no-op for rclone sync, and rclone check finds them equal", async () => {
    const src = join(dir.path, "ss-src");
    await randomTree(src, 24, SEED + 2, [3, 7]);
    const bucket = server.createBucket();
    const first = await stowage(["sync", src, s3Url(bucket, "s")], { env: s3Env });
    expect(first.stderr).toBe("");
    const back = await rclone(["sync", src, `t:${bucket}/s`], env);
    expect(back.copies).toEqual([]);
    // rclone check compares sizes and MD5s: multipart objects need stowage's Md5chksum metadata.
    const { stderr } = await run("rclone", ["check", src, `t:${bucket}/s`], { env });
    expect(stderr).toMatch(/0 differences found/);
    expect(stderr).not.toMatch(/hashes could not be checked|missing/);
  }, 180_000);

  it("S3 → local: rclone's download is a no-op for stowage, and content types read back as rclone writes them", async () => {
    const src = join(dir.path, "sl-src");
    await randomTree(src, 24, SEED + 4);
    const bucket = server.createBucket();
    await rclone(["sync", src, `t:${bucket}/by-rclone`], env);
    expect((await stowage(["sync", src, s3Url(bucket, "by-stowage")], { env: s3Env })).code).toBe(0);
    const types = async (prefix: string) => {
      const { stdout } = await run("rclone", ["lsjson", "-R", "--files-only", `t:${bucket}/${prefix}`], { env });
      return (JSON.parse(stdout) as Array<{ Path: string; MimeType: string }>).map(({ Path, MimeType }) => `${Path} ${MimeType}`).sort();
    };
    expect(await types("by-stowage")).toEqual(await types("by-rclone"));

    const down = join(dir.path, "sl-down");
    await rclone(["sync", `t:${bucket}/by-rclone`, down], env);
    const again = await stowage(["sync", "--json", s3Url(bucket, "by-rclone"), down], { env: s3Env });
    expect(again.stderr).toBe("");
    expect(JSON.parse(again.out)).toMatchObject({ copied: 0, skipped: 24 });
  }, 120_000);

  it("symbolic links as .rclonelink files: rclone -l and stowage links=translate mirror alike", async () => {
    const src = join(dir.path, "lk-src");
    await randomTree(src, 4, SEED + 3);
    await symlink("d0/f0.txt", join(src, "link"));
    const bucket = server.createBucket();
    await rclone(["sync", "-l", src, `t:${bucket}/l`], env);
    const translated = `${pathToFileURL(src).href}?links=translate`;
    const again = await stowage(["sync", "--json", translated, s3Url(bucket, "l")], { env: s3Env });
    expect(again.stderr).toBe("");
    expect(JSON.parse(again.out)).toMatchObject({ copied: 0, skipped: 5 });
    const other = server.createBucket();
    expect((await stowage(["sync", translated, s3Url(other, "l")], { env: s3Env })).code).toBe(0);
    expect((await rclone(["sync", "-l", src, `t:${other}/l`], env)).copies).toEqual([]);
  }, 120_000);
});
