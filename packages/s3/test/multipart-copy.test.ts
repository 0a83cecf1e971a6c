import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { S3Storage } from "../src/index.js";
import { PART, chunks, recordCommands as record, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();
const MIB = 1024 * 1024;

async function sha256(s3: S3Storage, key: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of s3.streamRead(key)) hash.update(chunk);
  return hash.digest("hex");
}

function recordCommands(s3: S3Storage, failOn?: { command: string; nth: number }): string[] {
  return record(s3.client, failOn);
}

describe("S3Storage multipart copies (objects over the CopyObject limit)", () => {
  // Thresholds scaled down from 5 GiB so that the test server can hold the objects.
  const options = { multipartCopyThreshold: PART, copyPartSize: PART };

  it("moves a large object part by part, byte for byte", async () => {
    const s3 = storage(options);
    await s3.write("big", chunks(12, MIB));
    const before = await sha256(s3, "big");
    const sent = recordCommands(s3);
    await s3.atomicMove("big", "moved/big");
    expect(sent.filter((name) => name === "UploadPartCopyCommand")).toHaveLength(3);
    expect(sent).not.toContain("CopyObjectCommand");
    expect(await s3.exists("big")).toBe(false);
    expect(await sha256(s3, "moved/big")).toBe(before);
    expect((await s3.stat("moved/big")).size).toBe(12 * MIB);
    await s3.delete("moved/big");
  });

  it("aborts a failed multipart copy, leaving source and destination as they were", async () => {
    const s3 = storage(options);
    await s3.write("big", chunks(12, MIB));
    recordCommands(s3, { command: "UploadPartCopyCommand", nth: 2 });
    await expect(s3.atomicMove("big", "dst")).rejects.toThrow(/injected UploadPartCopyCommand failure/);
    expect(server().pendingMultipartUploads()).toEqual([]);
    s3.client.middlewareStack.remove("record");
    expect(await s3.exists("big")).toBe(true);
    expect(await s3.exists("dst")).toBe(false);
    await s3.delete("big");
  });

  it("syncs a large object part by part, carrying its modification time", async () => {
    const s3 = storage(options);
    const mtime = new Date("2025-05-05T05:05:05.555Z");
    await s3.write("src/big", chunks(11, MIB), { mtime });
    const before = await sha256(s3, "src/big");
    const sent = recordCommands(s3);
    expect((await s3.sync("src", "dst")).copied).toBe(1);
    expect(sent.filter((name) => name === "UploadPartCopyCommand")).toHaveLength(3);
    expect(sent).not.toContain("GetObjectCommand"); // no bytes through this process
    // Two HeadObjects on the source: the engine's stat for its preserved mtime, and the copy's for
    // the multipart ETag that the parts' If-Match needs. No conflict checks on the target.
    expect(sent.filter((name) => name === "HeadObjectCommand")).toHaveLength(2);
    expect(await sha256(s3, "dst/big")).toBe(before);
    expect((await s3.stat("dst/big")).mtime).toEqual(mtime);
    await s3.deleteMany(["src/big", "dst/big"]);
  });

  it("copies small objects with a single CopyObject", async () => {
    const s3 = storage(options);
    await s3.write("small", "x");
    const sent = recordCommands(s3);
    await s3.atomicMove("small", "moved");
    expect(sent).toContain("CopyObjectCommand");
    expect(sent).not.toContain("UploadPartCopyCommand");
  });
});
