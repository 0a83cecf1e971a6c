import { mkdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/**
 * Issue 22 item 5: `cp`, `mv` and `rm -r` go through core's copyFile and removeFolder, so they
 * copy natively where they can, keep modification times, and batch deletes.
 */
describe("cp, mv and rm -r through core's file operations", () => {
  let server: S3TestServer;
  const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" };
  const bucketUrl = (bucket: string) => `s3://${bucket}?endpoint=${server.endpoint}&region=us-east-1&forcePathStyle=true`;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(() => server.stop());

  it("cp keeps the modification time, locally and into S3 and back", async () => {
    const { path: dir, cleanup } = await temporaryFolder();
    try {
      mkdirSync(join(dir, "src"));
      writeFileSync(join(dir, "src", "a.txt"), "dated");
      const mtime = new Date("2021-03-04T05:06:07.089Z");
      utimesSync(join(dir, "src", "a.txt"), mtime, mtime);
      expect((await stowage(["cp", "src::a.txt", "dst::b.txt"], { cwd: dir })).code).toBe(0);
      expect(statSync(join(dir, "dst", "b.txt")).mtime).toEqual(mtime);
      const bucket = server.createBucket();
      expect((await stowage(["cp", "src::a.txt", `${bucketUrl(bucket)}::a.txt`], { cwd: dir, env })).code).toBe(0);
      expect((await stowage(["cp", `${bucketUrl(bucket)}::a.txt`, "back::a.txt"], { cwd: dir, env })).code).toBe(0);
      expect(statSync(join(dir, "back", "a.txt")).mtime).toEqual(mtime);
    } finally {
      await cleanup();
    }
  });

  it("cp between two buckets of one endpoint is a server-side copy: no GET of the object", async () => {
    const from = server.createBucket();
    const to = server.createBucket();
    const { path: dir, cleanup } = await temporaryFolder();
    try {
      writeFileSync(join(dir, "big.bin"), Buffer.alloc(200_000, 7));
      expect((await stowage(["put", "big.bin", `${bucketUrl(from)}::big.bin`], { cwd: dir, env })).code).toBe(0);
      server.requests(true);
      const copied = await stowage(["cp", `${bucketUrl(from)}::big.bin`, `${bucketUrl(to)}::copy.bin`], { cwd: dir, env });
      expect(copied.stderr).toBe("");
      const requests = server.requests();
      expect(requests.some((request) => request.method === "PUT" && request.url.startsWith(`/${to}/copy.bin`))).toBe(true);
      expect(requests.filter((request) => request.method === "GET" && request.url.startsWith(`/${from}/big.bin`))).toEqual([]);
      const back = await stowage(["cat", `${bucketUrl(to)}::copy.bin`], { cwd: dir, env });
      expect(back.stdout.equals(Buffer.alloc(200_000, 7))).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it("rm -r of 2,500 objects on S3 sends one DeleteObjects per 1,000 keys", async () => {
    const bucket = server.createBucket();
    const { path: dir, cleanup } = await temporaryFolder();
    try {
      for (let i = 0; i < 2500; i++) {
        mkdirSync(join(dir, "tree", `d${i % 10}`), { recursive: true });
        writeFileSync(join(dir, "tree", `d${i % 10}`, `f${i}`), "x");
      }
      expect((await stowage(["sync", "tree", `${bucketUrl(bucket)}::tree`], { cwd: dir, env })).code).toBe(0);
      server.requests(true);
      const removed = await stowage(["rm", "-r", `${bucketUrl(bucket)}::tree`], { cwd: dir, env });
      expect(removed.stderr).toBe("");
      expect(removed.code).toBe(0);
      const requests = server.requests();
      expect(requests.filter((request) => request.method === "POST" && request.url.includes("delete"))).toHaveLength(3);
      expect(requests.filter((request) => request.method === "DELETE")).toEqual([]);
      expect((await stowage(["ls", "-r", `${bucketUrl(bucket)}::`], { cwd: dir, env })).out).toBe("");
    } finally {
      await cleanup();
    }
  });
});
