import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { AdvancedSnapshotStorage, FileStat } from "@stowage/core";
import { pseudoRandomBytes } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";

/** Clocks of a backend and of the test may differ a little, and some keep whole seconds only. */
const CLOCK_SLACK_MS = 60_000;
/** The coarsest mtime a backend may keep: whole seconds (S3's Last-Modified, some filesystems). */
const MTIME_GRANULARITY_MS = 1_000;

function assertValidStat(stat: FileStat, key: string, size: number, from: number, to: number): void {
  assert.equal(stat.path, key, "stat().path is the key");
  assert.equal(stat.size, size, `stat('${key}').size`);
  assert.ok(stat.mtime instanceof Date, "mtime must be a Date");
  const time = stat.mtime.getTime();
  assert.ok(Number.isFinite(time), "mtime must be a valid date");
  assert.ok(time >= from - CLOCK_SLACK_MS && time <= to + CLOCK_SLACK_MS, `mtime ${stat.mtime.toISOString()} is not the time of the write`);
  if (stat.etag !== undefined) assert.ok(typeof stat.etag === "string" && stat.etag.length > 0, "etag, when present, is a non-empty string");
}

/** `stat`: size, modification time and, where the backend has one, an etag that follows content. */
export function statTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("stat", () => {
    t.test("reports the path, size and modification time", async (storage) => {
      const from = Date.now();
      await storage.write("s/empty", "");
      await storage.write("s/one", "x");
      await storage.write("s/some", pseudoRandomBytes(12_345, 50));
      // 3 UTF-16 units, 2 code points, 6 UTF-8 bytes: size counts bytes.
      await storage.write("s/text", "\u00e9\u{1F389}");
      const to = Date.now();
      assertValidStat(await storage.stat("s/empty"), "s/empty", 0, from, to);
      assertValidStat(await storage.stat("s/one"), "s/one", 1, from, to);
      assertValidStat(await storage.stat("s/some"), "s/some", 12_345, from, to);
      assertValidStat(await storage.stat("s/text"), "s/text", 6, from, to);
    });

    t.test("read's onStat, where a backend calls it, hears once, before read resolves, the stat of the file read", async (storage) => {
      const mtime = new Date(Date.UTC(2021, 4, 6, 7, 8, 9, 123));
      await storage.write("heard/file", "heard content", { mtime, contentType: "text/plain" });
      const heard: FileStat[] = [];
      const content = await storage.read("heard/file", { onStat: (stat) => heard.push(stat) });
      const calls = heard.length;
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), "heard content");
      assert.equal(heard.length, calls, "onStat is called before read resolves, never later");
      assert.ok(calls <= 1, `onStat is called at most once (${calls} calls)`);
      const [stat] = heard;
      if (stat === undefined) return;
      const expected = await storage.stat("heard/file");
      assert.equal(stat.path, "heard/file", "the stat's path is the key read");
      assert.equal(stat.size, expected.size, "onStat's size is stat()'s");
      assert.equal(stat.mtime.getTime(), expected.mtime.getTime(), "onStat's mtime is stat()'s (the kept time, not a stand-in)");
      assert.equal(stat.mtimeNs, expected.mtimeNs, "onStat's mtimeNs is stat()'s");
      assert.equal(stat.contentType, expected.contentType, "onStat's contentType is stat()'s");
      assert.notEqual(stat.needsStat, true, "onStat's stat is exact, never a stand-in");
    });

    t.test("read's onStat that throws: read rejects with that very error, the content is released, and reads go on", async (storage) => {
      await storage.write("heard/throws", "content");
      const thrown = new Error("the listener failed");
      // More reads than a client keeps connections (S3: 64): one kept per failed read would hang the next.
      for (let i = 0; i < 70; i++) {
        const outcome = await storage.read("heard/throws", { onStat: () => { throw thrown; } }).then(
          (content) => content,
          (error: unknown) => error,
        );
        if (outcome === thrown) continue;
        assert.ok(!(outcome instanceof Error), `read rejected with another error than the listener's: ${String(outcome)}`);
        // A backend that never calls onStat: the read is whole.
        (outcome as NodeJS.ReadableStream & { destroy(): void }).destroy();
      }
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.read("heard/throws")) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), "content");
    });

    t.test("follows an overwrite, of another size or the same: size, a later mtime, a new etag", async (storage) => {
      await storage.write("f", "first version");
      await storage.write("same", "AAAA");
      const first = await storage.stat("f");
      const sameFirst = await storage.stat("same");
      // Past the next whole second of the first mtimes (some backends keep seconds only), so a
      // backend that kept the first write's time (or its creation time) is caught.
      const latest = Math.max(first.mtime.getTime(), sameFirst.mtime.getTime());
      await sleep(Math.min(MTIME_GRANULARITY_MS + 100, Math.max(0, latest + MTIME_GRANULARITY_MS + 1 - Date.now())));
      await storage.write("f", "v2");
      await storage.write("same", "BBBB");
      const second = await storage.stat("f");
      assert.equal(second.size, 2);
      assert.ok(second.mtime.getTime() > first.mtime.getTime(), `mtime must advance on overwrite: ${first.mtime.toISOString()} then ${second.mtime.toISOString()}`);
      if (first.etag !== undefined || second.etag !== undefined) assert.notEqual(second.etag, first.etag, "etag must change with content");
      const sameSecond = await storage.stat("same");
      assert.equal(sameSecond.size, 4);
      assert.ok(
        sameSecond.mtime.getTime() > sameFirst.mtime.getTime(),
        `mtime must advance on an overwrite of the same size: ${sameFirst.mtime.toISOString()} then ${sameSecond.mtime.toISOString()}`,
      );
      if (sameFirst.etag !== undefined || sameSecond.etag !== undefined) assert.notEqual(sameSecond.etag, sameFirst.etag, "etag must change with same-size content");
    });

    t.test("etags, when present, are equal for equal content and differ for different content", async (storage) => {
      const data = pseudoRandomBytes(4_000, 51);
      const other = pseudoRandomBytes(4_000, 52);
      await storage.write("e/a", data);
      await storage.write("e/b", data);
      await storage.write("e/c", other);
      const [a, b, c] = await Promise.all([storage.stat("e/a"), storage.stat("e/b"), storage.stat("e/c")]);
      if (a.etag === undefined) {
        assert.equal(b.etag, undefined, "a backend has etags for all files or for none");
        return;
      }
      assert.equal(a.etag, b.etag, "the same bytes written the same way must have the same etag");
      assert.notEqual(a.etag, c.etag, "different content of the same size must not share an etag");
    });
  });
}
