import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { formatMtime, parseMtime } from "../src/mtime-metadata.js";
import { PART, chunks, useS3Server } from "./s3-fixture.js";

const { storage } = useS3Server();

describe("S3Storage modification times (rclone's X-Amz-Meta-Mtime)", () => {
  it("keeps the given mtime to the millisecond, on single and multipart uploads", async () => {
    const s3 = storage();
    const mtime = new Date(1_700_000_000_123);
    await s3.write("small", "x", { mtime });
    await s3.streamWrite("big", chunks(11, 1024 * 1024), { mtime });
    for (const key of ["small", "big"]) {
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}` }));
      expect(head.Metadata?.mtime).toBe("1700000000.123");
      const stat = await s3.stat(key);
      expect(stat.mtime).toEqual(mtime);
      expect(stat.mtimePrecision).toBeUndefined();
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
    expect(mtimePrecision).toBeUndefined();
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
    expect(await s3.stat("rclone")).toMatchObject({ mtime: new Date(1_700_000_000_987) });
  });

  it("moves keep the source's time", async () => {
    const s3 = storage();
    const mtime = new Date("2020-02-02T02:02:02.202Z");
    await s3.write("a", "x", { mtime });
    await s3.atomicMove("a", "b");
    expect((await s3.stat("b")).mtime).toEqual(mtime);
  });

  it("formats and parses seconds with a fraction exactly, before 1970 too", () => {
    for (const ms of [0, 1, 999, 1_700_000_000_123, -1, -5250, 253_402_300_799_999]) {
      expect(parseMtime(formatMtime(new Date(ms)))?.getTime()).toBe(ms);
    }
    expect(formatMtime(new Date(1_700_000_000_050))).toBe("1700000000.050");
    expect(parseMtime("1700000000")?.getTime()).toBe(1_700_000_000_000);
    expect(parseMtime("1700000000.5")?.getTime()).toBe(1_700_000_000_500);
    for (const bad of [undefined, "", "1e9", "abc", "1.2.3", "99999999999999999999"]) expect(parseMtime(bad)).toBeUndefined();
  });
});
