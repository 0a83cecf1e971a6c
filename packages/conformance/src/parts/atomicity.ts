import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { AdvancedSnapshotStorage, SnapshotStorage, WriteContent } from "@stowage/core";
import { assertContent, pseudoRandomBytes, readBytes, sha256 } from "../bytes.js";
import { expectNotFound, failureOf, isOrWraps } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { SourceFailure, failingAfter, gatedSource } from "../sources.js";

type Writer<S> = (storage: S, key: string, content: WriteContent) => Promise<void>;

/** A write whose source fails must reject with that failure and leave every file as it was. */
function failingSourceTests<S extends SnapshotStorage>(t: SuiteContext<S>, via: string, write: Writer<S>): void {
  const check = async (storage: S, key: string, content: WriteContent, failure: unknown, what: string): Promise<void> => {
    const before = await snapshotAll(storage, t.settings);
    const error = await failureOf(() => write(storage, key, content), what);
    if (failure !== undefined) {
      assert.ok(isOrWraps(error, failure), `${what} must reject with the source's error (or wrap it as cause)`);
    }
    await assertUnchanged(storage, t.settings, before, what);
  };

  t.test(`${via}: a source that fails half-way keeps the old content and leaves no debris`, async (storage) => {
    await writeAll(storage, { "dir/existing": "old content", "dir/other": "other" });
    const content = failingAfter(pseudoRandomBytes(300_000, 3));
    await check(storage, "dir/existing", content, undefined, `${via} over an existing file from a failing source`);
    await assertContent(storage, "dir/existing", "old content");
  });

  t.test(`${via}: a failing source creates neither the file nor its folders`, async (storage) => {
    await storage.write("keep", "k");
    await check(storage, "new/deep/file", failingAfter(pseudoRandomBytes(300_000, 4)), undefined, `${via} of a new file from a failing source`);
    assert.equal(await storage.exists("new/deep/file"), false);
    await expectNotFound(() => storage.read("new/deep/file"), "new/deep/file", "read of a file whose write failed");
    assert.deepEqual(await storage.list(""), ["keep"], "no folder or temporary file may remain");
  });

  t.test(`${via}: the rejection is the source's own error`, async (storage) => {
    await storage.write("f", "old");
    const failure = new SourceFailure();
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from("partial "));
    // The writer's iteration still sees the error; this listener only keeps a writer that never
    // reads its source from turning the destroy into an uncaught exception.
    stream.on("error", () => undefined);
    setImmediate(() => stream.destroy(failure));
    await check(storage, "f", stream, failure, `${via} from a Readable destroyed with an error`);
    async function* throwsFirst(): AsyncGenerator<Uint8Array> {
      throw failure;
    }
    await check(storage, "f", throwsFirst(), failure, `${via} from a source that throws before its first chunk`);
    await assertContent(storage, "f", "old");
  });

  t.test(`${via}: a failure after the largest content size leaves nothing`, async (storage) => {
    await storage.write("big", "small old content");
    const content = failingAfter(pseudoRandomBytes(t.settings.largestContentSize, 5), 1024 * 1024);
    await check(storage, "big", content, undefined, `${via} failing after ${t.settings.largestContentSize} bytes`);
    await check(storage, "fresh/big", failingAfter(pseudoRandomBytes(t.settings.largestContentSize, 5), 1024 * 1024), undefined, `${via} of a new large file failing late`);
  });

  t.test(`${via}: a source yielding something other than bytes is rejected and changes nothing`, async (storage) => {
    await storage.write("f", "old");
    async function* badChunks(): AsyncGenerator<unknown> {
      yield Buffer.from("fine ");
      yield 42;
    }
    await check(storage, "f", badChunks() as AsyncIterable<Uint8Array>, undefined, `${via} from a source yielding a number`);
  });
}

/** Readers during a write see the old content or nothing, never part of the new one. */
function inProgressTests<S extends SnapshotStorage>(t: SuiteContext<S>, via: string, write: Writer<S>): void {
  t.test(`${via}: while a write is in progress, readers see the old content`, async (storage) => {
    const old = pseudoRandomBytes(50_000, 20);
    const next = pseudoRandomBytes(80_000, 21);
    await storage.write("slow", old);
    const before = await allKeys(storage, t.settings);
    const source = gatedSource(next);
    const writing = write(storage, "slow", source.chunks);
    writing.catch(() => undefined);
    await source.started;
    try {
      assert.equal(sha256(await readBytes(storage, "slow")), sha256(old), "a reader during a write must see the whole old content");
      assert.deepEqual(await allKeys(storage, t.settings), before, "a write in progress must not show in listings");
    } finally {
      source.release();
    }
    await writing;
    await assertContent(storage, "slow", next);
  });

  t.test(`${via}: a new file is invisible until its write completes`, async (storage) => {
    const source = gatedSource(pseudoRandomBytes(60_000, 22));
    const writing = write(storage, "incoming/file", source.chunks);
    writing.catch(() => undefined);
    await source.started;
    try {
      assert.equal(await storage.exists("incoming/file"), false, "exists during the write");
      await expectNotFound(() => storage.read("incoming/file"), "incoming/file", "read during the write");
      assert.deepEqual(await allKeys(storage, t.settings), [], "listing during the write");
    } finally {
      source.release();
    }
    await writing;
    assert.equal(await storage.exists("incoming/file"), true);
  });
}

/** Atomic replacement through `write`. */
export function atomicityTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("atomic writes", () => {
    const write: Writer<SnapshotStorage> = (storage, key, content) => storage.write(key, content);
    failingSourceTests(t, "write", write);
    inProgressTests(t, "write", write);
  });
}

/** Atomic replacement through `streamWrite`. */
export function streamWriteAtomicityTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("atomic streamWrite", () => {
    const write: Writer<AdvancedSnapshotStorage> = (storage, key, content) =>
      storage.streamWrite(key, content as AsyncIterable<Uint8Array>);
    failingSourceTests(t, "streamWrite", write);
    inProgressTests(t, "streamWrite", write);
  });
}
