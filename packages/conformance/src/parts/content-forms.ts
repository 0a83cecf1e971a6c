import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { AdvancedSnapshotStorage, SnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";
import { reusedBuffer, slowChunks } from "../sources.js";

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

    t.test("empty sources make empty files", async (storage) => {
      const empties: Array<[string, Parameters<SnapshotStorage["write"]>[1]]> = [
        ["string", ""],
        ["bytes", new Uint8Array(0)],
        ["array", []],
        ["readable", Readable.from([])],
        ["async", (async function* () {})()],
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
