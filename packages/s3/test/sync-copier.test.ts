import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { collectBytes, syncStorages } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { describe, expect, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { countOf, recordCommands, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** Another backend kind as far as sync can tell (its etags are not compared with S3Storage's). */
class OtherKind extends S3Storage {}

/** A storage on a bucket of its own, with its own client (same endpoint and credentials). */
function onNewBucket(prefix: string): S3Storage {
  return storage({ bucket: server().createBucket(), client: new S3Client(server().clientConfig), prefix });
}

async function text(s3: S3Storage, key: string): Promise<string> {
  return (await collectBytes(await s3.read(key))).toString();
}

describe("S3Storage sync copier", () => {
  it("copies server-side across buckets between two storages of one endpoint and account", async () => {
    const source = storage();
    const target = onNewBucket("mirror");
    const mtime = new Date("2024-04-04T04:04:04.444Z");
    await source.write("docs/a", "alpha", { mtime });
    await source.write("docs/b/c", "gamma", { mtime });
    const sentBySource = recordCommands(source.client);
    const sentByTarget = recordCommands(target.client);
    const report = await syncStorages(source, "docs", target, "");
    expect(report).toMatchObject({ copied: 2, skipped: 0, bytesCopied: 10 });
    expect(countOf(sentByTarget, "CopyObject")).toBe(2);
    expect([...sentBySource, ...sentByTarget]).not.toContain("GetObjectCommand");
    expect([...sentBySource, ...sentByTarget]).not.toContain("PutObjectCommand");
    expect(await text(target, "b/c")).toBe("gamma");
    expect((await target.stat("a")).mtime).toEqual(mtime);

    sentByTarget.length = 0;
    expect(await syncStorages(source, "docs", target, "")).toMatchObject({ copied: 0, skipped: 2 });
    expect(countOf(sentByTarget, "CopyObject")).toBe(0);
  });

  it("streams from an S3 source it cannot reach natively through the target's write: one PutObject per file, conflict checks included", async () => {
    const source = storage({
      client: new S3Client({ ...server().clientConfig, credentials: { accessKeyId: "someone-else", secretAccessKey: "x" } }),
    });
    const target = storage();
    const mtime = new Date("2023-03-03T03:03:03.333Z");
    for (let i = 0; i < 5; i++) await source.write(`deep/er/f${i}`, `file ${i}`, { mtime });
    const sent = recordCommands(target.client);
    expect(await syncStorages(source, "", target, "in/here")).toMatchObject({ copied: 5 });
    expect(countOf(sent, "PutObject")).toBe(5);
    expect(countOf(sent, "CopyObject")).toBe(0);
    // The copy is the target's own write, told (checkConflicts: false) that the sync's merge
    // ruled conflicts out from the target's listing: nothing is asked per file.
    expect(countOf(sent, "HeadObject")).toBe(0);
    expect(countOf(sent, "ListObjectsV2")).toBe(1);
    expect(await text(target, "in/here/deep/er/f3")).toBe("file 3");
    expect((await target.stat("in/here/deep/er/f3")).mtime).toEqual(mtime);
  });

  it("offers no copier for a source that is no S3 storage: the sync engine streams, with its signal", async () => {
    const folder = await mkdtemp(join(tmpdir(), "stowage-s3-copier-"));
    try {
      const source = new LocalFileSystemBackend({ location: folder });
      const target = storage();
      expect(target.syncCopier(source)).toBeUndefined();
      const mtime = new Date("2022-02-02T02:02:02.222Z");
      await source.write("a/b", "bytes", { mtime });
      const sent = recordCommands(target.client);
      expect(await syncStorages(source, "", target, "")).toMatchObject({ copied: 1 });
      // The engine's streamed write skips the per-file conflict checks its merge made needless.
      expect(countOf(sent, "HeadObject")).toBe(0);
      expect(await text(target, "a/b")).toBe("bytes");
      expect((await target.stat("a/b")).mtime).toEqual(mtime);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("copies a file rewritten with the same size moments after the last sync (ms times, not LastModified)", async () => {
    const source = storage();
    const target = new OtherKind({ bucket: server().createBucket(), client: new S3Client(server().clientConfig) });
    const synced = new Date("2025-01-01T00:00:00.100Z");
    await source.write("f", "old!", { mtime: synced });
    await source.write("same", "same", { mtime: synced });
    expect(await syncStorages(source, "", target, "")).toMatchObject({ copied: 2 });
    // Same size, same second both in the metadata and (very likely) in LastModified.
    await source.write("f", "new!", { mtime: new Date(synced.getTime() + 5) });
    const events: string[] = [];
    const report = await syncStorages(source, "", target, "", { onProgress: (event) => events.push(`${event.action} ${event.path}`) });
    expect(report).toMatchObject({ copied: 1, skipped: 1 });
    expect(events.sort()).toEqual(["copy f", "skip same"]);
    expect(await text(target, "f")).toBe("new!");
  });

  it("copies a source rolled back to an older copy of the same size", async () => {
    const source = storage();
    const target = new OtherKind({ bucket: server().createBucket(), client: new S3Client(server().clientConfig) });
    const older = new Date("2025-06-01T12:00:00.000Z");
    const newer = new Date("2025-06-02T12:00:00.000Z");
    await source.write("db", "v1", { mtime: older });
    await syncStorages(source, "", target, "");
    await source.write("db", "v2", { mtime: newer });
    expect(await syncStorages(source, "", target, "")).toMatchObject({ copied: 1 });
    await source.write("db", "v1", { mtime: older }); // restored from a backup, time and all
    expect(await syncStorages(source, "", target, "")).toMatchObject({ copied: 1 });
    expect(await text(target, "db")).toBe("v1");
    expect((await target.stat("db")).mtime).toEqual(older);
    expect(await syncStorages(source, "", target, "")).toMatchObject({ copied: 0, skipped: 1 });
  });

  it("a no-op sync costs the listings and one HeadObject per side for each size-matching file", async () => {
    const s3 = storage();
    for (let i = 0; i < 4; i++) await s3.write(`src/${i}`, "same");
    await s3.sync("src", "dst");
    const sent = recordCommands(s3.client);
    expect(await s3.sync("src", "dst")).toMatchObject({ copied: 0, skipped: 4 });
    expect(countOf(sent, "ListObjectsV2")).toBe(2);
    expect(countOf(sent, "HeadObject")).toBe(8);
    expect(sent).toHaveLength(10);
  });

  it("recognises an S3 source by its Symbol.for brand, not by its class", async () => {
    const source = storage();
    await source.write("k", "value", { mtime: new Date(1_000) });
    const target = storage();
    // What another copy of this package would present: the brand, and nothing to read through.
    const foreign = {
      [Symbol.for("stowage.s3.location")]: { client: new S3Client(server().clientConfig), bucket: source.bucket, root: source.prefix },
      read: () => Promise.reject(new Error("must not be read")),
    };
    const copier = target.syncCopier(foreign as unknown as S3Storage);
    if (copier === undefined) throw new Error("an S3-branded source must get a copier");
    const sent = recordCommands(target.client);
    await copier.copy("k", "copy", await source.stat("k"));
    await copier.finish();
    expect(sent).toEqual(["CopyObjectCommand"]);
    expect(await text(target, "copy")).toBe("value");
    expect((await target.stat("copy")).mtime).toEqual(new Date(1_000));
  });
});
