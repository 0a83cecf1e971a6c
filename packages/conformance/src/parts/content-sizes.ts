import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { AdvancedSnapshotStorage, SnapshotStorage } from "@stowage/core";
import { allByteValues, assertContent, collectChunks, pseudoRandomBytes, sha256 } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";

/** Round trips from nothing to the largest configured size, compared by hash. */
export function contentSizeTests(t: SuiteContext<SnapshotStorage>): void {
  const largest = t.settings.largestContentSize;

  t.describe("content sizes", () => {
    t.test("an empty file exists, is listed and reads as nothing", async (storage) => {
      await storage.write("sizes/empty", new Uint8Array(0));
      assert.equal(await storage.exists("sizes/empty"), true);
      assert.deepEqual(await storage.list("sizes"), ["sizes/empty"]);
      await assertContent(storage, "sizes/empty", "");
    });

    t.test("one byte", async (storage) => {
      await storage.write("sizes/one", Buffer.from([0]));
      await assertContent(storage, "sizes/one", Buffer.from([0]));
    });

    t.test("all 256 byte values, forwards and backwards", async (storage) => {
      const bytes = allByteValues();
      await storage.write("sizes/bytes", bytes);
      await assertContent(storage, "sizes/bytes", bytes);
      const reversed = Buffer.from(bytes).reverse();
      await storage.write("sizes/reversed", Readable.from([reversed]));
      await assertContent(storage, "sizes/reversed", reversed);
    });

    t.test(`${largest} pseudo-random bytes from a Readable in odd-sized chunks`, async (storage) => {
      const data = pseudoRandomBytes(largest, 11);
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < data.byteLength; offset += 65_521) chunks.push(data.subarray(offset, offset + 65_521));
      await storage.write("sizes/large", Readable.from(chunks));
      await assertContent(storage, "sizes/large", data);
    });
  });
}

/** The largest content through `streamWrite` and `streamRead`. */
export function streamedContentSizeTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  const largest = t.settings.largestContentSize;
  t.describe("content sizes, streamed", () => {
    t.test(`${largest} pseudo-random bytes through streamWrite and streamRead`, async (storage) => {
      const data = pseudoRandomBytes(largest, 12);
      await storage.streamWrite("sizes/large", [data.subarray(0, 1), data.subarray(1)]);
      const chunks = await collectChunks(storage.streamRead("sizes/large"), "streamRead");
      const joined = Buffer.concat(chunks);
      assert.equal(joined.byteLength, data.byteLength);
      assert.equal(sha256(joined), sha256(data));
    });
  });
}
