import { createHash } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  InvalidPathError,
  SnapshotConflictError,
  SnapshotNotFoundError,
  collectBytes,
  isAdvancedSnapshotStorage,
  InvalidOptionsError,
} from "@stowage/core";
import { describe, expect, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { PART, chunks, recordCommands, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

describe("S3Storage", () => {
  it("is an advanced storage that round-trips a small file", async () => {
    const s3 = storage();
    expect(isAdvancedSnapshotStorage(s3)).toBe(true);
    await s3.write("a/b.txt", "hello world");
    expect((await collectBytes(await s3.read("a/b.txt"))).toString()).toBe("hello world");
    const parts: string[] = [];
    for await (const chunk of s3.streamRead("a/b.txt", { chunkSize: 4 })) parts.push(Buffer.from(chunk).toString());
    expect(parts).toEqual(["hell", "o wo", "rld"]);
    expect(await s3.list("")).toEqual(["a/"]);
  });

  it("writes an empty file", async () => {
    const s3 = storage();
    await s3.write("empty", []);
    expect((await s3.stat("empty")).size).toBe(0);
    expect((await collectBytes(await s3.read("empty"))).byteLength).toBe(0);
  });

  it("streams an unknown-length source through a multipart upload", async () => {
    const s3 = storage();
    const expected = createHash("sha256");
    for await (const chunk of chunks(12, 1024 * 1024)) expected.update(chunk);
    await s3.streamWrite("big.bin", chunks(12, 1024 * 1024));
    const stat = await s3.stat("big.bin");
    expect(stat.size).toBe(12 * 1024 * 1024);
    // Three parts of 5 + 5 + 2 MiB: a multipart ETag, which depends on the part size, is not reported.
    expect(stat.etag).toBeUndefined();
    const actual = createHash("sha256");
    for await (const chunk of s3.streamRead("big.bin")) actual.update(chunk);
    expect(actual.digest("hex")).toBe(expected.digest("hex"));
    await s3.delete("big.bin");
  });

  it("reports missing files and folders as absent", async () => {
    const s3 = storage();
    await s3.write("dir/file", "x");
    expect(await s3.exists("dir/file")).toBe(true);
    expect(await s3.exists("dir")).toBe(false);
    expect(await s3.exists("nope")).toBe(false);
    await expect(s3.stat("nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(s3.read("nope")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    const iterator = s3.streamRead("nope")[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });

  it("deletes idempotently, one by one or in batches", async () => {
    const s3 = storage();
    await s3.write("x", "1");
    await s3.delete("x");
    await s3.delete("x");
    await s3.delete("never-was");
    expect(await s3.exists("x")).toBe(false);
    await Promise.all(["a", "b", "c/d"].map((key) => s3.write(key, key)));
    await s3.deleteMany(["a", "c/d", "missing"]);
    expect(await s3.recursiveList("")).toEqual(["b"]);
  });

  it("rejects bad keys before any request, changing nothing", async () => {
    const s3 = storage();
    await s3.write("keep", "x");
    for (const key of ["", "/abs", "a//b", "../up", "a\\b", "nul\u0000"]) {
      await expect(s3.write(key, "y")).rejects.toBeInstanceOf(InvalidPathError);
      await expect(s3.delete(key)).rejects.toBeInstanceOf(InvalidPathError);
      await expect(s3.atomicMove("keep", key)).rejects.toBeInstanceOf(InvalidPathError);
    }
    await expect(s3.deleteMany(["keep", "../x"])).rejects.toBeInstanceOf(InvalidPathError);
    await expect(s3.write("keep", 42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    expect(await s3.recursiveList("")).toEqual(["keep"]);
  });

  it("rejects impossible options", () => {
    const bucket = server().bucket;
    expect(() => new S3Storage({ bucket, partSize: 1024 })).toThrow(/partSize/);
    expect(() => new S3Storage({ bucket, queueSize: 0 })).toThrow(/queueSize/);
    expect(() => new S3Storage({ bucket, partSize: 1024 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "partSize", value: 1024 }));
    for (const maxKeys of [0, 1001]) expect(() => new S3Storage({ bucket, maxKeys })).toThrow(InvalidOptionsError);
    expect(() => new S3Storage({ bucket: "" })).toThrow(/bucket/);
    for (const maxKeys of [0, 1001, 2.5]) expect(() => new S3Storage({ bucket, maxKeys })).toThrow(/maxKeys/);
    expect(() => new S3Storage({ bucket, prefix: "/abs" })).toThrow(InvalidPathError);
  });

  it("keeps its files under its prefix", async () => {
    const s3 = storage({ prefix: "tenant/one" });
    const root = storage({ prefix: "" });
    await s3.write("f.txt", "x");
    expect(await root.exists("tenant/one/f.txt")).toBe(true);
    expect(await s3.recursiveList("")).toEqual(["f.txt"]);
    expect(s3.prefix).toBe("tenant/one");
    await root.delete("tenant/one/f.txt");
  });

  it("writes a small body in one PutObject and a body over one part as a multipart upload", async () => {
    const s3 = storage();
    const sent = recordCommands(s3.client);
    await s3.write("small", Buffer.alloc(PART, 1));
    expect(sent.filter((name) => name.endsWith("ObjectCommand") || name.includes("Multipart"))).toEqual(["PutObjectCommand"]);
    sent.length = 0;
    await s3.write("large", Buffer.alloc(PART + 1, 1));
    expect(sent.filter((name) => name.includes("Multipart") || name === "UploadPartCommand")).toEqual([
      "CreateMultipartUploadCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "CompleteMultipartUploadCommand",
    ]);
    await s3.deleteMany(["small", "large"]);
  });
});

describe("S3Storage listings", () => {
  it("lists one level and every level, in code point order", async () => {
    const s3 = storage();
    for (const key of ["b.txt", "a/x", "a/y/z", "snapshot2/q", "snap/p", "😀", "\uffff"]) await s3.write(key, key);
    expect(await s3.list("")).toEqual(["a/", "b.txt", "snap/", "snapshot2/", "\uffff", "😀"]);
    expect(await s3.list("a")).toEqual(["a/x", "a/y/"]);
    expect(await s3.list("a/")).toEqual(["a/x", "a/y/"]);
    expect(await s3.list("snap")).toEqual(["snap/p"]);
    expect(await s3.list("missing")).toEqual([]);
    expect(await s3.recursiveList("a")).toEqual(["a/x", "a/y/z"]);
    expect(await s3.recursiveList("")).toEqual(["a/x", "a/y/z", "b.txt", "snap/p", "snapshot2/q", "\uffff", "😀"]);
  });

  it("follows every page and reports each folder once", async () => {
    // Pages of 10 keys: 111 objects cross eleven page boundaries, with folders spread across them.
    const s3 = storage({ checkConflicts: false, maxKeys: 10 });
    const { client, bucket } = s3;
    const keys = Array.from({ length: 110 }, (_, i) => `${String(i % 7)}/${String(i).padStart(4, "0")}`);
    keys.push("top");
    await Promise.all(keys.map((key) => client.send(new PutObjectCommand({ Bucket: bucket, Key: `${s3.prefix}/${key}`, Body: "" }))));
    const pages = (): Array<string | null> =>
      server()
        .requests(true)
        .filter((request) => request.url.includes("list-type=2"))
        .map((request) => new URL(request.url, "http://x").searchParams.get("max-keys"));
    pages();
    expect(await s3.list("")).toEqual(["0/", "1/", "2/", "3/", "4/", "5/", "6/", "top"]);
    expect(pages().length).toBeGreaterThan(0);
    const all = await s3.recursiveList("");
    expect(all).toHaveLength(111);
    expect(all).toEqual([...keys].sort());
    expect(pages()).toEqual(Array.from({ length: 12 }, () => "10")); // 11 full pages and the last, empty or not
    await s3.deleteMany(keys);
    expect(await s3.recursiveList("")).toEqual([]);
  });

  it("asks for S3's largest page (1000 keys) by default", async () => {
    const s3 = storage();
    server().requests(true);
    await s3.list("");
    await s3.recursiveList("");
    const pages = server().requests().filter((request) => request.url.includes("list-type=2"));
    expect(pages.map((request) => new URL(request.url, "http://x").searchParams.get("max-keys"))).toEqual(["1000", "1000"]);
  });

  it("ignores folder markers and keys it could not read back, made by other S3 tools", async () => {
    const s3 = storage();
    for (const key of ["folder/", "empty//segment", "dot/../dot", "//"]) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}`, Body: "" }));
    }
    await s3.write("folder/file", "x");
    expect(await s3.list("folder")).toEqual(["folder/file"]);
    // "dot/" and "empty/" hold no file the deep listing shows: no folder (issue 24 item 5).
    expect(await s3.list("")).toEqual(["folder/"]);
    expect(await s3.recursiveList("")).toEqual(["folder/file"]);
  });

  it("a one-level listing agrees with the deep one: no 'folders' that hold no file (markers, e/ with content, a//b.txt)", async () => {
    const s3 = storage();
    const put = (key: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}`, Body: body }));
    await put("data/a//b.txt", "under an empty segment");
    await put("data/e/", "25 bytes of content here.");
    await put("data/empty/", "");
    await put("data/marked/", "");
    await s3.write("data/marked/real.txt", "x");
    await s3.write("data/top.txt", "x");
    expect(await s3.list("data")).toEqual(["data/marked/", "data/top.txt"]);
    expect(await s3.recursiveList("data")).toEqual(["data/marked/real.txt", "data/top.txt"]);
    for (const empty of ["data/a", "data/e", "data/empty"]) expect(await s3.list(empty)).toEqual([]);
  });
});

describe("S3Storage content MD5 (compare: 'checksum' without downloads)", () => {
  it("gives the MD5 of single-part objects from the ETag, and of multipart ones written whole from Md5chksum", async () => {
    const s3 = storage({ checkConflicts: false });
    const small = Buffer.from("small content");
    const big = Buffer.alloc(PART + 1, 3);
    await s3.write("small", small);
    await s3.write("big", big);
    await s3.streamWrite("streamed", chunks(6, 1024 * 1024));
    const hex = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");
    expect(await s3.md5("small")).toBe(hex(small));
    expect((await s3.stat("big")).md5).toBe(hex(big));
    expect(await s3.md5("big")).toBe(hex(big));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/big` }));
    expect(head.Metadata?.md5chksum).toBe(createHash("md5").update(big).digest("base64"));
    expect(await s3.md5("streamed")).toBeUndefined();
    const listed: Array<{ path: string; md5?: string }> = [];
    for await (const entry of s3.streamList("")) listed.push(entry);
    expect(listed.find((entry) => entry.path === "small")?.md5).toBe(hex(small));
    await expect(s3.md5("missing")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    await s3.deleteMany(["big", "streamed"]);
  });

  it("a streamed multipart upload records the MD5 its caller gives (as sync does), and refuses bytes that hash otherwise", async () => {
    const s3 = storage({ checkConflicts: false });
    expect(s3.md5WantedFrom).toBe(PART + 1);
    const whole = Buffer.concat(await collectChunks(chunks(6, 1024 * 1024)));
    const md5 = createHash("md5").update(whole).digest("hex");
    await s3.streamWrite("given", chunks(6, 1024 * 1024), { md5 });
    expect(await s3.md5("given")).toBe(md5);
    await expect(s3.streamWrite("lied", chunks(6, 1024 * 1024), { md5: "0".repeat(32) })).rejects.toMatchObject({ code: "E_IO" });
    expect(await s3.exists("lied")).toBe(false);
    await expect(s3.write("bad", "x", { md5: "XYZ" })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    await s3.deleteMany(["given"]);
  });
});

async function collectChunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return parts;
}

describe("S3Storage keys", () => {
  const awkward = ["sp ace/ü 😀.txt", "plus+sign", "q?uery=1&b=2", "per%20cent", "hash#tag", "mix + ? = & % #/x"];

  it("round-trips keys with unicode, spaces and + ? = & % # through every operation", async () => {
    const s3 = storage();
    for (const key of awkward) {
      await s3.write(key, key);
      expect(await s3.exists(key)).toBe(true);
      expect((await collectBytes(await s3.read(key))).toString()).toBe(key);
      expect((await s3.stat(key)).size).toBe(Buffer.byteLength(key));
    }
    for (const key of awkward) await s3.atomicMove(key, `moved/${key}`);
    expect(await s3.recursiveList("moved")).toEqual(awkward.map((key) => `moved/${key}`).sort());
    const copied: string[] = [];
    const report = await s3.sync("moved", "copied", { onProgress: (event) => copied.push(event.path) });
    expect(report.copied).toBe(awkward.length);
    expect(copied.sort()).toEqual(awkward.slice().sort());
    for (const key of awkward) expect((await collectBytes(await s3.read(`copied/${key}`))).toString()).toBe(key);
  });
});

describe("S3Storage file/folder conflicts", () => {
  it("refuses a file under a file, and a file over a folder", async () => {
    const s3 = storage();
    await s3.write("a", "file");
    await s3.write("d/e/f", "nested");
    await expect(s3.write("a/b", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(s3.write("d/e", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(s3.write("d", "x")).rejects.toBeInstanceOf(SnapshotConflictError);
    await expect(s3.atomicMove("a", "d/e")).rejects.toBeInstanceOf(SnapshotConflictError);
    expect(await s3.recursiveList("")).toEqual(["a", "d/e/f"]);
  });

  it("skips the checks when checkConflicts is false", async () => {
    const s3 = storage({ checkConflicts: false });
    await s3.write("a", "file");
    await s3.write("a/b", "nested");
    expect(await s3.list("")).toEqual(["a", "a/"]);
  });
});

describe("S3Storage.atomicMove", () => {
  it("moves a file, replacing the destination", async () => {
    const s3 = storage();
    await s3.write("src", "new");
    await s3.write("dst", "old");
    await s3.atomicMove("src", "dst");
    expect(await s3.exists("src")).toBe(false);
    expect((await collectBytes(await s3.read("dst"))).toString()).toBe("new");
  });

  it("rejects a missing source and leaves a self-move alone", async () => {
    const s3 = storage();
    await expect(s3.atomicMove("none", "dst")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await s3.exists("dst")).toBe(false);
    await s3.write("same", "x");
    await s3.atomicMove("same", "same");
    expect((await collectBytes(await s3.read("same"))).toString()).toBe("x");
  });

  it("reports a source it could not delete after the copy", async () => {
    const s3 = storage();
    await s3.write("src", "x");
    s3.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === "DeleteObjectCommand") throw new Error("injected delete failure");
      return next(args);
    }, { step: "initialize", name: "failDelete" });
    await expect(s3.atomicMove("src", "dst")).rejects.toThrow(/copied to 'dst'.*still exists/);
    s3.client.middlewareStack.remove("failDelete");
    expect(await s3.exists("dst")).toBe(true);
    expect(await s3.exists("src")).toBe(true);
  });
});

describe("S3Storage.sync", () => {
  it("copies new files server-side, skips identical ones and deletes extras", async () => {
    const s3 = storage();
    const mtime = new Date("2026-01-02T03:04:05.678Z");
    await s3.write("src/a", "A");
    await s3.write("src/b/c", "C", { mtime });
    await s3.write("dst/b/c", "C", { mtime });
    await s3.write("dst/extra", "E");
    const events: string[] = [];
    const report = await s3.sync("src", "dst", { onProgress: (event) => events.push(`${event.action} ${event.path}`) });
    expect(report).toEqual({ copied: 1, skipped: 1, deleted: 1, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 1, dryRun: false });
    expect(events.sort()).toEqual(["copy a", "delete extra", "skip b/c"]);
    expect(await s3.recursiveList("dst")).toEqual(["dst/a", "dst/b/c"]);
    await s3.write("src/a", "changed");
    expect(await s3.sync("src", "dst")).toMatchObject({ copied: 1, skipped: 1 });
    expect((await collectBytes(await s3.read("dst/a"))).toString()).toBe("changed");
  });

  it("does not re-copy a multipart object whose copy carries a different ETag", async () => {
    const s3 = storage();
    await s3.write("src/big", chunks(6, 1024 * 1024));
    const head = (key: string) => s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}` }));
    expect((await head("src/big")).ETag).toMatch(/-2"$/);
    expect((await s3.sync("src", "dst")).copied).toBe(1);
    expect((await head("dst/big")).ETag).not.toBe((await head("src/big")).ETag);
    expect(await s3.sync("src", "dst")).toMatchObject({ copied: 0, skipped: 1 });
    await s3.deleteMany(["src/big", "dst/big"]);
  });

  it("rejects overlapping prefixes before doing anything", async () => {
    const s3 = storage();
    await s3.write("a/x", "1");
    await expect(s3.sync("a", "a/b")).rejects.toBeInstanceOf(InvalidPathError);
    expect(await s3.recursiveList("")).toEqual(["a/x"]);
  });
});
