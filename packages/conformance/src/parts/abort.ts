import assert from "node:assert/strict";
import { syncStorages, type AdvancedSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes, readBytes } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { lateAbortTest, type Writer } from "./abort-late.js";
import { AbortReason, abortingSource, assertAbortError, assertNoDebris, failureAfterAbort } from "./abort-tools.js";

/** Abort tests of one way of writing (`write` or `streamWrite`). */
function writeAbortTests<S extends SnapshotStorage>(t: SuiteContext<S>, via: string, write: Writer<S>): void {
  t.test(`${via}: an already-aborted signal rejects with AbortError before reading the source, and changes nothing`, async (storage) => {
    await writeAll(storage, { "dir/existing": "old content" });
    const before = await snapshotAll(storage, t.settings);
    const reason = new AbortReason();
    let pulled = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      pulled = true;
      yield Buffer.from("new");
    }
    for (const key of ["dir/existing", "fresh/file"]) {
      const signal = AbortSignal.abort(reason);
      const error = await failureAfterAbort(t, signal, () => write(storage, key, source(), { signal }), `${via} with an aborted signal`);
      assertAbortError(error, reason, `${via}('${key}') with an aborted signal`);
    }
    assert.equal(pulled, false, `${via} with an aborted signal must not read its source`);
    await assertUnchanged(storage, t.settings, before, `${via} with an aborted signal`);
    await assertNoDebris(t, storage, `${via} with an aborted signal`);
  });

  for (const stall of [false, true]) {
    const how = stall ? "while the source stalls" : "between chunks";
    t.test(`${via}: an abort mid-write (${how}) leaves the old content, no new listing and no debris`, async (storage) => {
      await writeAll(storage, { "dir/existing": "old content", "dir/other": "other" });
      const before = await snapshotAll(storage, t.settings);
      const size = t.settings.largestContentSize;
      const data = pseudoRandomBytes(size + 256 * 1024, 31);
      for (const key of ["dir/existing", "new/deep/file"]) {
        const controller = new AbortController();
        const reason = new AbortReason();
        const { chunks, state } = abortingSource(data, size, controller, reason, stall);
        const error = await failureAfterAbort(t, controller.signal, () => write(storage, key, chunks, { signal: controller.signal }), `${via}('${key}') aborted ${how}`);
        assertAbortError(error, reason, `${via}('${key}') aborted ${how}`);
        assert.ok(state.pulled < data.byteLength, `${via}('${key}') must stop reading its source after the abort`);
      }
      await assertUnchanged(storage, t.settings, before, `a ${via} aborted ${how}`);
      assert.equal(await storage.exists("new/deep/file"), false, "an aborted write of a new file must not create it");
      assert.deepEqual(await storage.list(""), ["dir/"], "an aborted write must leave no folder or temporary file");
      await assertNoDebris(t, storage, `a ${via} aborted ${how}`);
      await assertContent(storage, "dir/existing", "old content");
    });
  }

  lateAbortTest(t, via, write);

  t.test(`${via}: an abort that never comes changes nothing about a write`, async (storage) => {
    const controller = new AbortController();
    const data = pseudoRandomBytes(200_000, 32);
    await write(storage, "f", data, { signal: controller.signal });
    controller.abort(new AbortReason()); // after the write: must not touch the stored file
    await assertContent(storage, "f", data);
  });
}

/** Abort tests of `read` (a stream destroyed with the AbortError). */
function readAbortTests<S extends SnapshotStorage>(t: SuiteContext<S>): void {
  t.test("read: an already-aborted signal rejects with AbortError", async (storage) => {
    await storage.write("f", "content");
    const reason = new AbortReason();
    const signal = AbortSignal.abort(reason);
    assertAbortError(await failureAfterAbort(t, signal, () => storage.read("f", { signal }), "read with an aborted signal"), reason, "read with an aborted signal");
    assert.equal((await readBytes(storage, "f")).toString(), "content");
  });

  t.test("read: an abort mid-read destroys the stream with AbortError", async (storage) => {
    const data = pseudoRandomBytes(2 * 1024 * 1024 + 17, 33);
    await storage.write("big", data);
    const controller = new AbortController();
    const reason = new AbortReason();
    const stream = await storage.read("big", { signal: controller.signal });
    let received = 0;
    const error = await failureAfterAbort(t, controller.signal, async () => {
      for await (const chunk of stream) {
        received += (chunk as Uint8Array).byteLength;
        if (!controller.signal.aborted) controller.abort(reason);
      }
    }, "consuming a read aborted mid-way");
    assertAbortError(error, reason, "a read aborted mid-way");
    assert.ok(received < data.byteLength, "a read aborted after its first chunk must not deliver the whole file");
    assert.ok(stream.destroyed, "the aborted read's stream must be destroyed");
    await assertContent(storage, "big", data);
  });
}

/** Abort tests of `streamRead`. */
function streamReadAbortTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.test("streamRead: an already-aborted signal fails the first step with AbortError", async (storage) => {
    await storage.write("f", "content");
    const reason = new AbortReason();
    const signal = AbortSignal.abort(reason);
    const iterator = storage.streamRead("f", { signal })[Symbol.asyncIterator]();
    assertAbortError(await failureAfterAbort(t, signal, () => iterator.next(), "streamRead with an aborted signal"), reason, "streamRead with an aborted signal");
  });

  t.test("streamRead: an abort mid-read fails the iteration with AbortError", async (storage) => {
    const data = pseudoRandomBytes(1024 * 1024, 34);
    await storage.write("big", data);
    const controller = new AbortController();
    const reason = new AbortReason();
    let received = 0;
    const error = await failureAfterAbort(t, controller.signal, async () => {
      for await (const chunk of storage.streamRead("big", { chunkSize: 64 * 1024, signal: controller.signal })) {
        received += chunk.byteLength;
        controller.abort(reason);
      }
    }, "streamRead aborted mid-way");
    assertAbortError(error, reason, "streamRead aborted mid-way");
    assert.equal(received, 64 * 1024, "streamRead must yield nothing after the abort");
    await assertContent(storage, "big", data);
  });
}

/** Abort mid-sync: the sync method and syncStorages between two storages. */
function syncAbortTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`src/f${String(i).padStart(2, "0")}`] = `content ${i} `.repeat(100);

  const check = async (source: AdvancedSnapshotStorage, target: AdvancedSnapshotStorage, run: (signal: AbortSignal, onCopy: () => void) => Promise<unknown>, what: string): Promise<void> => {
    await writeAll(source, files);
    await writeAll(target, { "dst/extra": "extra" });
    const controller = new AbortController();
    const reason = new AbortReason();
    let copies = 0;
    const error = await failureAfterAbort(t, controller.signal, () => run(controller.signal, () => {
      if (++copies === 3) controller.abort(reason);
    }), what);
    assertAbortError(error, reason, what);
    const copied = (await target.recursiveList("dst")).filter((key) => key !== "dst/extra");
    assert.ok(copied.length < 40, `${what}: no copy may start after the abort (${copied.length} of 40 were made)`);
    for (const key of copied) await assertContent(target, key, files[`src/${key.slice(4)}`] as string);
    assert.equal(await target.exists("dst/extra"), true, `${what} must delete nothing`);
    await assertNoDebris(t, target, what);
  };

  t.test("sync: an abort mid-sync rejects with AbortError, leaves every copy whole and deletes nothing", async (storage) => {
    await check(storage, storage, (signal, onCopy) => storage.sync("src", "dst", { signal, concurrency: 2, onProgress: (event) => event.action === "copy" && onCopy() }), "sync aborted mid-way");
  });

  t.test("syncStorages: an abort mid-sync between two storages rejects with AbortError and deletes nothing", async (storage, open) => {
    const target = await open();
    await check(storage, target, (signal, onCopy) => syncStorages(storage, "src", target, "dst", { signal, concurrency: 2, onProgress: (event) => event.action === "copy" && onCopy() }), "syncStorages aborted mid-way");
  });
}

/** Cancellation of `read` and `write` (issue 13): the basic tier's part. */
export function abortTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("abort signals", () => {
    writeAbortTests(t, "write", (storage, key, content, options) => storage.write(key, content, options));
    readAbortTests(t);
  });
}

/** Cancellation of `streamRead`, `streamWrite` and `sync` (issue 13): the advanced tier's part. */
export function advancedAbortTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("abort signals (advanced)", () => {
    writeAbortTests(t, "streamWrite", (storage, key, content, options) => storage.streamWrite(key, content as AsyncIterable<Uint8Array>, options));
    streamReadAbortTests(t);
    syncAbortTests(t);
  });
}
