import { PutObjectCommand } from "@aws-sdk/client-s3";
import { compareKeys, type FileStat, type SkippedEntry } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { countOf, recordCommands, useS3Server } from "./s3-fixture.js";

const { storage } = useS3Server();

async function collect(stats: AsyncIterable<FileStat>): Promise<FileStat[]> {
  const all: FileStat[] = [];
  for await (const stat of stats) all.push(stat);
  return all;
}

describe("S3Storage.streamList", () => {
  it("yields every file at any depth in code point order, across pages, agreeing with recursiveList", async () => {
    // UTF-16 order puts 😀 (surrogates D83D DE00) before \uffff; code point (and UTF-8 byte) order after.
    const keys = ["a/😀", "a/\uffff", "a/b/c", "a/B", "a+b", "a.b", "z", "😀/x", "\uffff/y", "a/a/a/a"];
    const s3 = storage({ maxKeys: 3 });
    for (const key of keys) await s3.write(key, key);
    const listed = await collect(s3.streamList(""));
    const expected = [...keys].sort(compareKeys);
    expect(listed.map((stat) => stat.path)).toEqual(expected);
    expect(await s3.recursiveList("")).toEqual(expected);
    expect((await collect(s3.streamList("a/"))).map((stat) => stat.path)).toEqual(expected.filter((key) => key.startsWith("a/")));
    expect(await collect(s3.streamList("missing"))).toEqual([]);
  });

  it("gives the listing's time as a stand-in to be replaced by stat, and plain MD5 ETags only", async () => {
    const s3 = storage();
    await s3.write("small", "hello");
    await s3.write("big", (async function* () {
      for (let i = 0; i < 6; i++) yield Buffer.alloc(1024 * 1024, i);
    })());
    const [big, small] = await collect(s3.streamList(""));
    expect(small).toMatchObject({ path: "small", size: 5, mtimePrecision: 1000, needsStat: true, etag: "5d41402abc4b2a76b9719d911017c592" });
    expect(small?.mtime).toBeInstanceOf(Date);
    expect(big).toMatchObject({ path: "big", size: 6 * 1024 * 1024, needsStat: true });
    expect(big?.etag).toBeUndefined(); // multipart: depends on the part size
    await s3.delete("big");
  });

  it("reads nothing before the first next(), one page for it, and stops at break", async () => {
    const s3 = storage({ maxKeys: 2 });
    for (let i = 0; i < 6; i++) await s3.write(`f${i}`, "x"); // three pages
    const sent = recordCommands(s3.client);
    const iterator = s3.streamList("")[Symbol.asyncIterator]();
    expect(countOf(sent, "ListObjectsV2")).toBe(0);
    expect((await iterator.next()).value?.path).toBe("f0");
    expect(countOf(sent, "ListObjectsV2")).toBe(1);
    await iterator.return?.();

    sent.length = 0;
    const seen: string[] = [];
    for await (const stat of s3.streamList("")) {
      seen.push(stat.path);
      if (seen.length === 3) break; // the first file of page two: page three is not needed yet
    }
    await new Promise((resolve) => setImmediate(resolve)); // nothing left running sends more
    expect(countOf(sent, "ListObjectsV2")).toBe(2);

    sent.length = 0;
    expect(await collect(s3.streamList(""))).toHaveLength(6);
    expect(countOf(sent, "ListObjectsV2")).toBe(3);
  });

  it("reports objects whose names are not keys, and passes over folder markers silently", async () => {
    const s3 = storage();
    for (const key of ["folder/", "empty//segment", "dot/../dot"]) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}`, Body: "" }));
    }
    await s3.write("folder/file", "x");
    const skipped: SkippedEntry[] = [];
    const listed = await collect(s3.streamList("", { onSkip: (entry) => skipped.push(entry) }));
    expect(listed.map((stat) => stat.path)).toEqual(["folder/file"]);
    expect(skipped).toEqual([
      { path: "dot/../dot", reason: "invalid-name" },
      { path: "empty//segment", reason: "invalid-name" },
    ]);
  });
});
