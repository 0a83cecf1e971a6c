import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { once } from "node:events";
import { readWebStream, toWebStream, type AdvancedSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes, sha256 } from "../bytes.js";
import { describe as describeError, failureOf } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll } from "../inspect.js";
import { reusedBuffer, sliced, slowChunks, webStreamOf } from "../sources.js";

const TEXT = "héllo wörld · 日本語 · 🎉\n";

/**
 * 3.5 chunks of the backend's own chunk size: an adapter that re-chunks to that size passes the
 * source's buffer through as is, which is where a kept reference goes wrong.
 */
function reuseData(chunkSize: number): Uint8Array {
  return pseudoRandomBytes(chunkSize * 3 + Math.ceil(chunkSize / 2), 10);
}

/** Every form of `WriteContent` that `write` accepts, and every chunk source `streamWrite` accepts. */
export function contentFormTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("write content forms", () => {
    const data = pseudoRandomBytes(100_003, 7);

    t.test("a Uint8Array", async (storage) => {
      await storage.write("u8", new Uint8Array(data));
      await assertContent(storage, "u8", data);
    });

    t.test("a Uint8Array view stores only the bytes it covers", async (storage) => {
      const backing = pseudoRandomBytes(4096, 8);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 1000);
      await storage.write("view", view);
      await assertContent(storage, "view", backing.subarray(100, 1100));
    });

    t.test("a Buffer", async (storage) => {
      await storage.write("buffer", Buffer.from(data));
      await assertContent(storage, "buffer", data);
    });

    t.test("a string is stored as UTF-8", async (storage) => {
      await storage.write("text", TEXT);
      await assertContent(storage, "text", Buffer.from(TEXT, "utf8"));
    });

    t.test("a byte-mode Readable", async (storage) => {
      await storage.write("readable", Readable.from([data.subarray(0, 10), data.subarray(10, 70_000), data.subarray(70_000)]));
      await assertContent(storage, "readable", data);
    });

    t.test("a Readable that pushes on demand", async (storage) => {
      let offset = 0;
      const stream = new Readable({
        read() {
          const end = Math.min(offset + 4099, data.byteLength);
          this.push(offset < end ? data.subarray(offset, end) : null);
          offset = end;
        },
      });
      await storage.write("pushed", stream);
      await assertContent(storage, "pushed", data);
    });

    t.test("a Readable of strings is stored as UTF-8", async (storage) => {
      await storage.write("strings", Readable.from(["héllo ", "wörld · ", "🎉"]));
      await assertContent(storage, "strings", Buffer.from("héllo wörld · 🎉", "utf8"));
    });

    t.test("an async iterable, with empty chunks among the others", async (storage) => {
      async function* chunks(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(0);
        yield* slowChunks(data, 9_999);
        yield new Uint8Array(0);
      }
      await storage.write("async", chunks());
      await assertContent(storage, "async", data);
    });

    t.test("a sync iterable: an array of chunks and a generator", async (storage) => {
      await storage.write("array", [data.subarray(0, 5), data.subarray(5)]);
      await assertContent(storage, "array", data);
      function* chunks(): Generator<Uint8Array> {
        for (let offset = 0; offset < data.byteLength; offset += 30_000) yield data.subarray(offset, offset + 30_000);
      }
      await storage.write("generator", chunks());
      await assertContent(storage, "generator", data);
    });

    t.test("a source that reuses one buffer for every chunk: stored exactly as yielded", async (storage) => {
      const size = t.settings.defaultChunkSize;
      const data = reuseData(size);
      await storage.write("reused/paused", reusedBuffer(data, size, true));
      await assertContent(storage, "reused/paused", data);
      await storage.write("reused/eager", reusedBuffer(data, size, false));
      await assertContent(storage, "reused/eager", data);
    });

    t.test("a web ReadableStream of many chunks, pulled as the writer asks", async (storage) => {
      const source = webStreamOf(sliced(data, 8_191));
      await storage.write("web/stream", source.stream);
      await assertContent(storage, "web/stream", data);
      assert.deepEqual(source.cancels, [], "a web stream read to its end must not be cancelled");
    });

    t.test("a web ReadableStream with empty chunks among the others, and a Response body", async (storage) => {
      const source = webStreamOf([new Uint8Array(0), data.subarray(0, 1), new Uint8Array(0), data.subarray(1), new Uint8Array(0)]);
      await storage.write("web/gaps", source.stream);
      await assertContent(storage, "web/gaps", data);
      const body = new Response(new Uint8Array(data)).body;
      assert.ok(body !== null, "a Response made from bytes has a body");
      await storage.write("web/response", body);
      await assertContent(storage, "web/response", data);
    });

    t.test("a Blob and a File, made of several parts", async (storage) => {
      const blob = new Blob([data.subarray(0, 3), data.subarray(3, 60_000), data.subarray(60_000)]);
      await storage.write("web/blob", blob);
      await assertContent(storage, "web/blob", data);
      const file = new File([TEXT, data.subarray(0, 1000)], "upload.bin", { type: "application/octet-stream" });
      await storage.write("web/file", file);
      await assertContent(storage, "web/file", Buffer.concat([Buffer.from(TEXT, "utf8"), data.subarray(0, 1000)]));
    });

    t.test("a web ReadableStream yielding something other than bytes is rejected, changes nothing and is cancelled", async (storage) => {
      await storage.write("web/existing", "old content");
      for (const [what, bad] of [
        ["a string", "text"],
        ["a number", 42],
      ] as const) {
        const before = await snapshotAll(storage, t.settings);
        const source = webStreamOf([data.subarray(0, 5000), bad, data.subarray(5000)]);
        const error = await failureOf(() => storage.write("web/existing", source.stream), `write from a web stream yielding ${what}`);
        assert.ok(error instanceof TypeError || (error as { cause?: unknown }).cause instanceof TypeError,
          `a web stream yielding ${what} must be rejected with a TypeError (or an error wrapping one), got ${describeError(error)}`);
        await assertUnchanged(storage, t.settings, before, `write from a web stream yielding ${what}`);
        assert.equal(source.cancels.length, 1, `the web stream yielding ${what} must be cancelled once`);
        const fresh = webStreamOf([bad]);
        await failureOf(() => storage.write("web/new", fresh.stream), `write of a new file from a web stream yielding ${what}`);
        assert.equal(await storage.exists("web/new"), false, `a rejected web stream must not create the file`);
      }
      await assertContent(storage, "web/existing", "old content");
    });

    t.test("empty sources make empty files", async (storage) => {
      const empties: Array<[string, Parameters<SnapshotStorage["write"]>[1]]> = [
        ["string", ""],
        ["bytes", new Uint8Array(0)],
        ["array", []],
        ["readable", Readable.from([])],
        ["async", (async function* () {})()],
        ["web-stream", webStreamOf([]).stream],
        ["web-stream-of-empty-chunks", webStreamOf([new Uint8Array(0), new Uint8Array(0)]).stream],
        ["blob", new Blob([])],
      ];
      for (const [name, content] of empties) {
        await storage.write(`empty/${name}`, content);
        assert.equal(await storage.exists(`empty/${name}`), true, `an empty ${name} must still create the file`);
        await assertContent(storage, `empty/${name}`, "");
      }
    });
  });
}

/** `streamWrite` from every kind of chunk source. */
export function streamWriteTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("streamWrite", () => {
    const data = pseudoRandomBytes(70_001, 9);

    t.test("from an async iterable", async (storage) => {
      await storage.streamWrite("async", slowChunks(data, 8_192));
      await assertContent(storage, "async", data);
    });

    t.test("from an array and from a generator", async (storage) => {
      await storage.streamWrite("array", [data.subarray(0, 1), data.subarray(1)]);
      await assertContent(storage, "array", data);
      function* chunks(): Generator<Uint8Array> {
        yield data.subarray(0, 40_000);
        yield data.subarray(40_000);
      }
      await storage.streamWrite("generator", chunks());
      await assertContent(storage, "generator", data);
    });

    t.test("from a Readable, and no chunks at all", async (storage) => {
      await storage.streamWrite("readable", Readable.from([data]));
      await assertContent(storage, "readable", data);
      await storage.streamWrite("empty", []);
      assert.equal(await storage.exists("empty"), true);
      await assertContent(storage, "empty", "");
    });

    t.test("from a web ReadableStream and a Blob, and empty ones", async (storage) => {
      await storage.streamWrite("web", webStreamOf(sliced(data, 4_096)).stream);
      await assertContent(storage, "web", data);
      await storage.streamWrite("blob", new Blob([data.subarray(0, 7), data.subarray(7)]));
      await assertContent(storage, "blob", data);
      await storage.streamWrite("web-empty", webStreamOf([]).stream);
      await storage.streamWrite("blob-empty", new Blob([]));
      await assertContent(storage, "web-empty", "");
      await assertContent(storage, "blob-empty", "");
    });

    t.test("from a source that reuses one buffer for every chunk: stored exactly as yielded", async (storage) => {
      const size = t.settings.defaultChunkSize;
      const data = reuseData(size);
      await storage.streamWrite("reused", reusedBuffer(data, size, true));
      await assertContent(storage, "reused", data);
    });

    t.test("overwrites like write", async (storage) => {
      await storage.write("same", "old and longer content");
      await storage.streamWrite("same", [Buffer.from("new")]);
      await assertContent(storage, "same", "new");
    });
  });
}

/** Reading a stored file as a WHATWG `ReadableStream` (core's `readWebStream` / `toWebStream`). */
export function webReadStreamTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("web read streams", () => {
    t.test("readWebStream round-trips exact bytes, as a Response body too", async (storage) => {
      const data = pseudoRandomBytes(t.settings.defaultChunkSize * 3 + 17, 11);
      await storage.write("web/read", data);
      const chunks: Uint8Array[] = [];
      const reader = (await readWebStream(storage, "web/read")).getReader();
      for (let next = await reader.read(); next.done !== true; next = await reader.read()) {
        assert.ok(next.value instanceof Uint8Array, "a web read stream must yield Uint8Array chunks");
        chunks.push(next.value);
      }
      assert.equal(sha256(Buffer.concat(chunks)), sha256(data), "readWebStream must yield the stored bytes");
      const viaResponse = new Uint8Array(await new Response(await readWebStream(storage, "web/read")).arrayBuffer());
      assert.equal(sha256(viaResponse), sha256(data), "a Response over readWebStream must hold the stored bytes");
      await storage.write("web/empty", "");
      assert.equal((await new Response(await readWebStream(storage, "web/empty")).arrayBuffer()).byteLength, 0);
    });

    t.test("a web read stream cancelled after its first chunk releases the read, again and again", async (storage) => {
      const data = pseudoRandomBytes(t.settings.defaultChunkSize * 8 + 5, 12);
      await storage.write("web/big", data);
      for (let round = 0; round < 12; round++) {
        const readable = await storage.read("web/big");
        const reader = toWebStream(readable).getReader();
        const first = await reader.read();
        assert.ok(first.done !== true && first.value.byteLength > 0, "the first read must give bytes");
        const closed = readable.closed ? Promise.resolve() : once(readable, "close").then(() => undefined);
        await reader.cancel();
        assert.equal(readable.destroyed, true, "cancelling the web stream must destroy the backend's Readable");
        await closed;
      }
      for (let round = 0; round < 12; round++) await (await readWebStream(storage, "web/big")).cancel();
      // The backend is still usable: nothing is held by the cancelled reads.
      await assertContent(storage, "web/big", data);
      await storage.write("web/big", "replaced");
      await assertContent(storage, "web/big", "replaced");
      await storage.delete("web/big");
      assert.equal(await storage.exists("web/big"), false);
    });
  });
}
