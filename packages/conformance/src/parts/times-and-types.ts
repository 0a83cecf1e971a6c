import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { contentTypeFor, dateFromNs, syncStorages, type AdvancedSnapshotStorage, type FileStat } from "@stowage/core";
import type { SuiteContext } from "../fixture.js";

/** A time with a nanosecond part (2021-05-06T07:08:09.123456789Z), as filesystems and rclone keep them. */
const FINE_NS = 1_620_284_889_123_456_789n;

/** The window, in ns, within which a stat may differ from what was written: its own precision. */
function windowNs(stat: FileStat): bigint {
  return BigInt(Math.max(1, Math.round(Math.max(stat.mtimePrecision ?? 1, 0) * 1e6)));
}

/** Asserts that `stat` holds the time `ns`, to its declared precision, and that its fields agree. */
function assertFineTime(stat: FileStat, ns: bigint, what: string): void {
  if (stat.mtimeNs === undefined) {
    const difference = Math.abs(stat.mtime.getTime() - dateFromNs(ns).getTime());
    assert.ok(difference < Math.max(stat.mtimePrecision ?? 1, 1), `${what}: mtime ${stat.mtime.toISOString()} should hold ${ns} ns`);
    return;
  }
  assert.equal(stat.mtime.getTime(), dateFromNs(stat.mtimeNs).getTime(), `${what}: mtime must be the floor of mtimeNs to the millisecond`);
  const difference = stat.mtimeNs > ns ? stat.mtimeNs - ns : ns - stat.mtimeNs;
  assert.ok(difference < windowNs(stat), `${what}: mtimeNs ${stat.mtimeNs} should be ${ns} within its precision (${stat.mtimePrecision ?? 1} ms)`);
}

/**
 * Issue 24, items 1 and 6, as backend promises: a backend keeps a time to the precision it
 * declares (`mtimePrecision`, fractions of a ms allowed) and reports `mtime` as the floor of
 * `mtimeNs`; a backend that reports content types keeps the one it was given, takes one from the
 * name otherwise (as rclone does), and sync carries both between instances, so that the next run
 * is a no-op.
 */
export function timesAndTypesTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("nanosecond times and content types", () => {
    t.test("a time given to the nanosecond is kept to the backend's declared precision, in stat and in listings", async (storage) => {
      await storage.write("fine/a.bin", "alpha", { mtimeNs: FINE_NS });
      await storage.streamWrite("fine/b.bin", [new Uint8Array([1, 2])], { mtime: dateFromNs(FINE_NS), mtimeNs: FINE_NS });
      for (const key of ["fine/a.bin", "fine/b.bin"]) assertFineTime(await storage.stat(key), FINE_NS, `stat of ${key}`);
      for await (const entry of storage.streamList("fine")) {
        if (entry.needsStat !== true) assertFineTime(entry, FINE_NS, `streamList entry ${entry.path}`);
      }
    });

    t.test("a time that disagrees with mtimeNs is refused before anything is written", async (storage) => {
      await assert.rejects(storage.write("bad", "x", { mtime: new Date(0), mtimeNs: FINE_NS }), { code: "E_INVALID_OPTIONS" });
      assert.equal(await storage.exists("bad"), false);
    });

    t.test("a backend that reports types keeps the given one, or takes it from the name", async (storage) => {
      await storage.write("types/page.html", "<p>", { contentType: "text/x-stowage-test" });
      await storage.write("types/notes.txt", "notes");
      const given = await storage.stat("types/page.html");
      const derived = await storage.stat("types/notes.txt");
      if (given.contentType === undefined && derived.contentType === undefined) return;
      assert.equal(given.contentType, "text/x-stowage-test", "the type given to write");
      assert.equal(derived.contentType, contentTypeFor("types/notes.txt"), "the type of a .txt name");
    });

    t.test("md5(), where a backend offers it, is the content's MD5 (or undefined), and E_NOT_FOUND for a missing file", async (storage) => {
      if (storage.md5 === undefined) return;
      const content = "the content whose MD5 compare: 'checksum' reads";
      await storage.write("hashed/a.txt", content);
      const md5 = await storage.md5("hashed/a.txt");
      if (md5 !== undefined) assert.equal(md5, createHash("md5").update(content).digest("hex"));
      await assert.rejects(storage.md5("hashed/missing.txt"), { code: "E_NOT_FOUND" });
    });

    t.test("sync between two instances carries fine times and types: the next run copies nothing", async (source, open) => {
      const target = await open();
      await source.write("snap/a.bin", "alpha", { mtimeNs: FINE_NS, contentType: "application/x-stowage-test" });
      await source.write("snap/b.bin", "bravo", { mtimeNs: FINE_NS + 400_000n });
      assert.equal((await syncStorages(source, "snap", target, "mirror")).copied, 2);
      const [a, b] = await Promise.all([target.stat("mirror/a.bin"), target.stat("mirror/b.bin")]);
      assertFineTime(a, FINE_NS, "a copy");
      assertFineTime(b, FINE_NS + 400_000n, "a copy");
      const sourceType = (await source.stat("snap/a.bin")).contentType;
      if (sourceType !== undefined && a.contentType !== undefined) assert.equal(a.contentType, sourceType, "a copy keeps its source's type");
      const again = await syncStorages(source, "snap", target, "mirror");
      assert.deepEqual([again.copied, again.skipped], [0, 2], "a second sync must skip both files");
    });
  });
}
