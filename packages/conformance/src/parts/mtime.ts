import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { syncStorages, type AdvancedSnapshotStorage, type ChunkSource, type FileStat, type WriteContent } from "@stowage/core";
import { webStreamOf } from "../sources.js";
import { assertContent } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";

/** A time in the past with a millisecond part, unlike any write's own clock. */
const PAST = new Date(Date.UTC(2021, 4, 6, 7, 8, 9, 123));

/** The content forms of that test that `streamWrite` takes too (a `ChunkSource`). */
const CHUNK_SOURCES = new Set(["async iterable", "sync iterable", "web ReadableStream", "Blob"]);

/**
 * The storage without its `syncCopier`, every other method bound to it: a sync into it streams
 * each file through `read` and `write` (the path between two different backends).
 */
function streamedOnly(storage: AdvancedSnapshotStorage): AdvancedSnapshotStorage {
  const view: AdvancedSnapshotStorage = {
    read: (key, options) => storage.read(key, options),
    write: (key, content, options) => storage.write(key, content, options),
    list: (prefix) => storage.list(prefix),
    delete: (key) => storage.delete(key),
    exists: (key) => storage.exists(key),
    streamRead: (key, options) => storage.streamRead(key, options),
    streamWrite: (key, chunks, options) => storage.streamWrite(key, chunks, options),
    atomicMove: (from, to) => storage.atomicMove(from, to),
    recursiveList: (prefix) => storage.recursiveList(prefix),
    streamList: (prefix, options) => storage.streamList(prefix, options),
    stat: (key) => storage.stat(key),
    sync: (from, to, options) => syncStorages(view, from, view, to, options),
  };
  return view;
}

/** Asserts that a stat's mtime is `expected`, within the stat's own precision. */
export function assertSameTime(actual: FileStat, expected: Date, what: string): void {
  const window = Math.max(actual.mtimePrecision ?? 1, 1);
  const difference = Math.abs(actual.mtime.getTime() - expected.getTime());
  assert.ok(difference < window, `${what}: mtime ${actual.mtime.toISOString()} should be ${expected.toISOString()} (within ${window} ms)`);
}

/**
 * Modification times are kept and carried, so that a sync can skip unchanged files by size and
 * time (rsync's and rclone's quick check) and still copies every changed one.
 */
export function mtimeTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("modification times", () => {
    t.test("write and streamWrite keep the mtime they are given", async (storage) => {
      await storage.write("m/a", "alpha", { mtime: PAST });
      await storage.streamWrite("m/b", [new Uint8Array([1, 2, 3])], { mtime: PAST });
      assertSameTime(await storage.stat("m/a"), PAST, "write");
      assertSameTime(await storage.stat("m/b"), PAST, "streamWrite");
      await assertContent(storage, "m/a", "alpha");
    });

    t.test("write keeps the mtime given with every content form (Readable, iterables, web stream, Blob), and so does streamWrite", async (storage) => {
      const bytes = (): Uint8Array[] => [new Uint8Array([1, 2]), new Uint8Array([3])];
      async function* asyncChunks(): AsyncGenerator<Uint8Array> {
        yield* bytes();
      }
      const forms: Record<string, () => WriteContent> = {
        bytes: () => new Uint8Array([1, 2, 3]),
        string: () => "abc",
        Readable: () => Readable.from(bytes().map((chunk) => Buffer.from(chunk))),
        "async iterable": asyncChunks,
        "sync iterable": bytes,
        "web ReadableStream": () => webStreamOf(bytes()).stream,
        Blob: () => new Blob(bytes()),
      };
      for (const [form, content] of Object.entries(forms)) {
        await storage.write(`w/${form}`, content(), { mtime: PAST });
        assertSameTime(await storage.stat(`w/${form}`), PAST, `write from ${form} with { mtime }`);
        if (!CHUNK_SOURCES.has(form)) continue;
        await storage.streamWrite(`s/${form}`, content() as ChunkSource, { mtime: PAST });
        assertSameTime(await storage.stat(`s/${form}`), PAST, `streamWrite from ${form} with { mtime }`);
      }
    });

    t.test("a sync through streamed copies (no native copier) carries mtimes, so the next run skips every file", async (source, open) => {
      const target = streamedOnly(await open());
      await source.write("snap/a", "alpha", { mtime: PAST });
      await source.write("snap/sub/b", "bravo");
      const time = (await source.stat("snap/sub/b")).mtime;
      assert.equal((await syncStorages(source, "snap", target, "copy")).copied, 2);
      assertSameTime(await target.stat("copy/a"), PAST, "a streamed copy");
      assertSameTime(await target.stat("copy/sub/b"), time, "a streamed copy");
      const again = await syncStorages(source, "snap", target, "copy");
      assert.deepEqual([again.copied, again.skipped], [0, 2], "a second streamed sync must copy nothing: the copies carry the sources' mtimes");
    });

    t.test("sync carries each source file's mtime, so the next run skips it", async (storage) => {
      await storage.write("src/a", "alpha", { mtime: PAST });
      await storage.write("src/sub/b", "bravo");
      const sourceTime = (await storage.stat("src/sub/b")).mtime;
      await storage.sync("src", "dst");
      assertSameTime(await storage.stat("dst/a"), PAST, "a synced copy");
      assertSameTime(await storage.stat("dst/sub/b"), sourceTime, "a synced copy");
      assert.deepEqual(await storage.sync("src", "dst"), { copied: 0, skipped: 2, deleted: 0, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 0, dryRun: false });
    });

    t.test("a source rolled back to an older copy of the same size is copied (cp -p, tar x)", async (storage) => {
      await storage.write("src/f", "new!", { mtime: new Date(PAST.getTime() + 86_400_000) });
      await storage.sync("src", "dst");
      await storage.write("src/f", "old!", { mtime: PAST });
      assert.equal((await storage.sync("src", "dst")).copied, 1, "the older, same-size source must be copied");
      await assertContent(storage, "dst/f", "old!");
      assertSameTime(await storage.stat("dst/f"), PAST, "the rolled-back copy");
    });

    t.test("a same-size rewrite within a second of the last sync is copied", async (storage) => {
      await storage.write("src/f", "AAAA", { mtime: PAST });
      await storage.sync("src", "dst");
      const precision = Math.max((await storage.stat("src/f")).mtimePrecision ?? 1, 1);
      // Within a second for a backend that keeps milliseconds; just past its precision otherwise.
      const later = new Date(PAST.getTime() + (precision < 1000 ? 300 : precision));
      await storage.write("src/f", "BBBB", { mtime: later });
      assert.equal((await storage.sync("src", "dst")).copied, 1);
      await assertContent(storage, "dst/f", "BBBB");
    });

    t.test("between two instances, copies carry mtimes and a rolled-back source is copied", async (source, open) => {
      const target = await open();
      await source.write("snap/f", "new!", { mtime: new Date(PAST.getTime() + 86_400_000) });
      await source.write("snap/g", "same", { mtime: PAST });
      await syncStorages(source, "snap", target, "mirror");
      assertSameTime(await target.stat("mirror/g"), PAST, "a copy in another instance");
      assert.equal((await syncStorages(source, "snap", target, "mirror")).skipped, 2);
      await source.write("snap/f", "old!", { mtime: PAST });
      assert.equal((await syncStorages(source, "snap", target, "mirror")).copied, 1);
      await assertContent(target, "mirror/f", "old!");
    });
  });
}
