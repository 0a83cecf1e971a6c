import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkStorages, syncStorages, type FileStat } from "../../src/index.js";
import { AdvancedMapStorage } from "./helpers/map-storage.js";

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

/** Knows its MD5s without a read, as S3 does from ETags, and counts reads of content. */
class HashKeeping extends AdvancedMapStorage {
  reads = 0;
  md5Calls = 0;
  constructor(readonly inListing: boolean) {
    super();
  }
  override async read(path: string) {
    this.reads++;
    return super.read(path);
  }
  override async stat(path: string): Promise<FileStat> {
    const stat = await super.stat(path);
    return this.inListing ? { ...stat, md5: md5(this.get(path).data) } : stat;
  }
  async md5(path: string): Promise<string | undefined> {
    this.md5Calls++;
    return md5(this.get(path).data);
  }
}

/** Knows no MD5: a checksum compare must read it. */
class Counting extends AdvancedMapStorage {
  reads = 0;
  override async read(path: string) {
    this.reads++;
    return super.read(path);
  }
}

async function fill(storage: AdvancedMapStorage, files: Record<string, string>, mtime: Date) {
  for (const [key, text] of Object.entries(files)) await storage.write(key, text, { mtime });
}

describe("compare: 'checksum' is rclone's --checksum: MD5s from listings and backends, downloads only where none", () => {
  const same = { "a.txt": "alpha", "b.txt": "bravo", "c.txt": "charl" };
  it("reads nothing when both sides know their MD5s, and still copies a same-size, same-time change", async () => {
    for (const inListing of [true, false]) {
      const source = new HashKeeping(inListing);
      const target = new HashKeeping(!inListing);
      await fill(source, same, new Date(1000));
      await fill(target, { ...same, "c.txt": "CHARL" }, new Date(1000));
      const report = await syncStorages(source, "", target, "", { compare: "checksum" });
      expect([report.copied, report.skipped, report.downloadedToCompare]).toEqual([1, 2, undefined]);
      // Only the copy read its source; no side was read to compare.
      expect([source.reads, target.reads]).toEqual([1, 0]);
      expect(inListing ? target.md5Calls : source.md5Calls).toBe(3);
    }
  });

  it("downloads only the side without a hash, and says how many", async () => {
    const source = new HashKeeping(true);
    const target = new Counting();
    await fill(source, same, new Date(1000));
    await fill(target, same, new Date(1000));
    const report = await syncStorages(source, "", target, "", { compare: "checksum" });
    expect([report.copied, report.skipped, report.downloadedToCompare]).toEqual([0, 3, 3]);
    expect([source.reads, target.reads]).toEqual([0, 3]);
    const checked = await checkStorages(source, "", target, "", { compare: "checksum" });
    expect([checked.matched, checked.downloadedToCompare]).toEqual([3, 3]);
  });
});
