import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { collectBytes, formatMtimeSeconds, syncStorages, type FileStat } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { parseMtime } from "../src/mtime-metadata.js";
import { PART, chunks, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

describe("S3Storage modification times (rclone's X-Amz-Meta-Mtime)", () => {
  it("keeps the given mtime to the nanosecond, in rclone's form, on single and multipart uploads", async () => {
    const s3 = storage();
    const mtimeNs = 1_700_000_000_123_456_789n;
    await s3.write("small", "x", { mtimeNs });
    await s3.streamWrite("big", chunks(11, 1024 * 1024), { mtimeNs });
    for (const key of ["small", "big"]) {
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}` }));
      expect(head.Metadata?.mtime).toBe("1700000000.123456789");
      const stat = await s3.stat(key);
      expect(stat.mtime).toEqual(new Date(1_700_000_000_123));
      expect(stat.mtimeNs).toBe(mtimeNs);
      expect(stat.mtimePrecision).toBe(0.000001);
      expect(stat.needsStat).toBeUndefined();
    }
    expect(11 * 1024 * 1024).toBeGreaterThan(2 * PART); // "big" went through a multipart upload
    await s3.delete("big");
  });

  it("records the time of the write by default", async () => {
    const s3 = storage();
    const before = Date.now();
    await s3.write("now", "x");
    const after = Date.now();
    const { mtime, mtimePrecision } = await s3.stat("now");
    expect(mtimePrecision).toBe(0.000001);
    expect(mtime.getTime()).toBeGreaterThanOrEqual(before);
    expect(mtime.getTime()).toBeLessThanOrEqual(after);
  });

  it("falls back to LastModified, in whole seconds, without usable metadata", async () => {
    const s3 = storage();
    const put = (key: string, metadata?: Record<string, string>) =>
      s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}`, Body: "x", Metadata: metadata }));
    await put("foreign");
    await put("garbage", { mtime: "yesterday" });
    await put("rclone", { mtime: "1700000000.987654321" });
    for (const key of ["foreign", "garbage"]) {
      const stat = await s3.stat(key);
      expect(stat.mtimePrecision).toBe(1000);
      expect(stat.mtime.getTime() % 1000).toBe(0);
      expect(Math.abs(stat.mtime.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect(await s3.stat("rclone")).toMatchObject({ mtime: new Date(1_700_000_000_987), mtimeNs: 1_700_000_000_987_654_321n });
  });

  it("moves keep the source's time", async () => {
    const s3 = storage();
    const mtime = new Date("2020-02-02T02:02:02.202Z");
    await s3.write("a", "x", { mtime });
    await s3.atomicMove("a", "b");
    expect((await s3.stat("b")).mtime).toEqual(mtime);
  });

  it("moves and server-side copies keep the source's time to the ns and its content type", async () => {
    const s3 = storage();
    await s3.write("page.html", "<p>", { mtimeNs: 1_600_000_000_000_000_001n });
    await s3.write("typed", "x", { contentType: "application/x-stowage" });
    await s3.atomicMove("page.html", "moved.html");
    await s3.atomicMove("typed", "moved-typed");
    expect(await s3.stat("moved.html")).toMatchObject({ mtimeNs: 1_600_000_000_000_000_001n, contentType: "text/html; charset=utf-8" });
    expect((await s3.stat("moved-typed")).contentType).toBe("application/x-stowage");
  });

  it("sends a Content-Type: the given one, else the name's, else application/octet-stream as rclone does", async () => {
    const s3 = storage();
    await s3.write("a.txt", "x");
    await s3.write("b.png", "x");
    await s3.write("c.unknown-ext", "x");
    await s3.write("d.txt", "x", { contentType: "text/x-mine" });
    await s3.streamWrite("e.json", chunks(11, 1024 * 1024));
    const types = await Promise.all(["a.txt", "b.png", "c.unknown-ext", "d.txt", "e.json"].map(async (key) => (await s3.stat(key)).contentType));
    expect(types).toEqual(["text/plain; charset=utf-8", "image/png", "application/octet-stream", "text/x-mine", "application/json"]);
    expect((await collectBytes(await s3.read("a.txt"))).toString()).toBe("x");
    await s3.delete("e.json");
  });

  it("parses rclone's seconds exactly, before 1970 too, and refuses garbage", () => {
    for (const ns of [0n, 1n, 999n, 1_700_000_000_123_456_789n, -1n, -5_250_000_000n, 253_402_300_799_999_999_999n]) {
      expect(parseMtime(formatMtimeSeconds(ns))).toBe(ns);
    }
    expect(parseMtime("1700000000")).toBe(1_700_000_000_000_000_000n);
    expect(parseMtime("1700000000.5")).toBe(1_700_000_000_500_000_000n);
    for (const bad of [undefined, "", "1e9", "abc", "1.2.3", "99999999999999999999"]) expect(parseMtime(bad)).toBeUndefined();
  });

  for (const transport of ["lean", "sdk"] as const) {
    it(`read (${transport}) hands onStat the kept mtime, type and size from GetObject's headers`, async () => {
      const s3 = storage({ transport });
      const mtimeNs = 1_600_000_000_987_654_321n;
      await s3.write("heard", "twelve bytes", { mtimeNs, contentType: "text/x-heard" });
      server().requests(true);
      let heard: FileStat | undefined;
      expect(await collectBytes(await s3.read("heard", { onStat: (stat) => (heard = stat) }))).toEqual(Buffer.from("twelve bytes"));
      expect(heard).toMatchObject({ path: "heard", size: 12, mtimeNs, contentType: "text/x-heard" });
      expect(server().requests().map((request) => request.method)).toEqual(["GET"]);
    });

    it(`a sync (${transport}) out of S3 takes each file's mtime from its GetObject: no HeadObject per file`, async () => {
      const s3 = storage({ transport });
      const mtime = new Date("2022-02-02T02:02:02.222Z");
      for (let i = 0; i < 4; i++) await s3.write(`out/f${i}`, `file ${i}`, { mtime });
      const folder = await mkdtemp(join(tmpdir(), "stowage-s3-get-mtime-"));
      try {
        server().requests(true);
        const target = new LocalFileSystemBackend({ location: folder });
        expect(await syncStorages(s3, "out", target, "")).toMatchObject({ copied: 4 });
        const methods = server().requests().map((request) => request.method);
        expect(methods.filter((method) => method === "HEAD")).toEqual([]);
        expect(methods.filter((method) => method === "GET").length).toBe(5); // one listing, four objects
        for (let i = 0; i < 4; i++) expect((await stat(join(folder, `f${i}`))).mtime).toEqual(mtime);
        // The times carried make the next run a no-op that HEADs each size-matching file, as rclone does.
        expect(await syncStorages(s3, "out", target, "")).toMatchObject({ copied: 0, skipped: 4 });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  }
});
