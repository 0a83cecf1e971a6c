import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { stowage } from "./helpers/run-cli.js";

/*
 * Issue 24 item 3: locations are compared by the place they name, not by URL text. Each run of a
 * backup-dir nested in the destination used to delete the previous backups as extras and save
 * them one level deeper (old/old/old/a.txt).
 */
let redis: RedisServer;
let s3: S3TestServer;
let dir: string;
beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3Server()]);
  dir = await mkdtemp(join(tmpdir(), "stowage-cli-place-"));
  await mkdir(join(dir, "src"));
  await writeFile(join(dir, "src/a.txt"), "a");
});
afterAll(async () => {
  await Promise.all([redis?.stop(), s3?.stop(), rm(dir, { recursive: true, force: true })]);
});

const MAP_ADAPTER = fileURLToPath(new URL("./fixtures/map-adapter.cjs", import.meta.url));
const S3_ENV = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const run = (args: string[], env: Record<string, string> = {}) => stowage(args, { cwd: dir, env });

describe("sync refuses folders that overlap by place, whatever the URL says", () => {
  it("Redis: /0, ?namespace=stowage and ?connectTimeoutMs= name the destination's place; refused before any write", async () => {
    const base = `redis://${redis.host}:${redis.port}`;
    expect((await run(["sync", "src", `${base}::D`])).code).toBe(0);
    for (const backup of [`${base}/0::D/old`, `${base}?namespace=stowage::D/old`, `${base}/0?connectTimeoutMs=4000&namespace=stowage::D`]) {
      const result = await run(["sync", "--backup-dir", backup, "src", `${base}::D`]);
      expect(result.code, `${backup}: ${result.stderr}`).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(/overlaps the destination/);
    }
    const self = await run(["sync", `${base}::D`, `${base}/0::D/mirror`]);
    expect(self.code, self.stderr).toBe(EXIT_CODES.invalidPath);
    expect(self.stderr).toMatch(/overlaps the source/);
    const ls = await run(["ls", "-r", `${base}::D`]);
    expect(ls.out.trim().split("\n")).toEqual(["D/a.txt"]);
  });

  it("Redis: rclone's idiom --backup-dir dst/old --exclude '/old/**' keeps one level of old versions, run after run", async () => {
    const base = `redis://${redis.host}:${redis.port}`;
    for (let round = 0; round < 3; round++) {
      await writeFile(join(dir, "src/a.txt"), `round ${round}`);
      const result = await run(["sync", "--backup-dir", `${base}/0::E/old`, "--exclude", "/old/**", "src", `${base}?namespace=stowage::E`]);
      expect(result.code, result.stderr).toBe(0);
    }
    const ls = await run(["ls", "-r", `${base}::E`]);
    expect(ls.out.trim().split("\n").sort()).toEqual(["E/a.txt", "E/old/a.txt"]);
    expect((await run(["cat", `${base}::E/old/a.txt`])).out).toBe("round 1");
  });

  it("S3: parameters in another order, or partSize added, name the same place", async () => {
    const endpoint = encodeURIComponent(s3.endpoint);
    const dest = `s3://${s3.bucket}/p?endpoint=${endpoint}&forcePathStyle=true&region=us-east-1::D`;
    const reordered = `s3://${s3.bucket}/p?region=us-east-1&partSize=5242880&forcePathStyle=true&endpoint=${endpoint}::D/old`;
    const result = await run(["sync", "--backup-dir", reordered, "src", dest], S3_ENV);
    expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/overlaps the destination/);
    const nested = `s3://${s3.bucket}?region=us-east-1&forcePathStyle=true&endpoint=${endpoint}::p/D/mirror`;
    expect((await run(["sync", dest, nested], S3_ENV)).stderr).toMatch(/overlaps the source/);
    const elsewhere = `s3://${s3.bucket}/q?region=us-east-1&forcePathStyle=true&endpoint=${endpoint}::old`;
    expect((await run(["sync", "--backup-dir", elsewhere, "src", dest], S3_ENV)).code).toBe(0);
  });

  it("local: a destination reached through a symbolic link into the source is refused; a backup folder excluded by the filter is allowed", async () => {
    await symlink(join(dir, "src"), join(dir, "link-to-src"));
    const result = await run(["sync", "src", "link-to-src/mirror"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/overlaps the source/);
    await expect(readdir(join(dir, "src"))).resolves.toEqual(["a.txt"]);
    await mkdir(join(dir, "dst"));
    await symlink(join(dir, "dst"), join(dir, "link-to-dst"));
    for (let round = 0; round < 2; round++) {
      await writeFile(join(dir, "src/a.txt"), `local ${round}`);
      const ok = await run(["sync", "--backup-dir", "link-to-dst/old", "--exclude", "/old/**", "src", "dst"]);
      expect(ok.code, ok.stderr).toBe(0);
    }
    expect(await readFile(join(dir, "dst/old/a.txt"), "utf8")).toBe("local 0");
    await expect(readdir(join(dir, "dst/old"))).resolves.toEqual(["a.txt"]);
  });

  it("a store that does not say where it is is compared by URL, and -v says so", async () => {
    const env = { STOWAGE_ADAPTERS: `map=${MAP_ADAPTER}` };
    const result = await run(["-v", "sync", "--no-delete", "src", "map://x::a"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/does not say where its folders are: 'src' and 'map:\/\/x::a' compared by URL/);
    const nested = await run(["sync", "--no-delete", "--backup-dir", "map://x::a/old", "src", "map://x::a"], env);
    expect(nested.code).toBe(EXIT_CODES.usage);
    const memory = await run(["-v", "sync", "--no-delete", "src", "memory://x::a"]);
    expect(memory.code, memory.stderr).toBe(0);
    expect(memory.stderr).not.toMatch(/compared by URL/);
  });
});
