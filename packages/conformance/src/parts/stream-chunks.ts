import assert from "node:assert/strict";
import type { AdvancedSnapshotStorage } from "@stowage/core";
import { assertContent, collectChunks, pseudoRandomBytes, sha256 } from "../bytes.js";
import { expectRejects, firstStep } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";

async function chunkSizes(storage: AdvancedSnapshotStorage, key: string, chunkSize?: number): Promise<{ sizes: number[]; hash: string }> {
  const iterable = chunkSize === undefined ? storage.streamRead(key) : storage.streamRead(key, { chunkSize });
  const chunks = await collectChunks(iterable, `streamRead('${key}')`);
  return { sizes: chunks.map((chunk) => chunk.byteLength), hash: sha256(Buffer.concat(chunks)) };
}

/** Chunks of `size` bytes for `total` bytes: full ones, then a shorter last one if any. */
function expectedSizes(total: number, size: number): number[] {
  const sizes = Array<number>(Math.floor(total / size)).fill(size);
  if (total % size > 0) sizes.push(total % size);
  return sizes;
}

/** `streamRead` yields exactly `chunkSize` bytes per chunk. */
export function streamChunkTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  const fallback = t.settings.defaultChunkSize;
  t.describe("streamRead chunks", () => {
    t.test(`default chunks are ${fallback} bytes, the last one shorter`, async (storage) => {
      const data = pseudoRandomBytes(2 * fallback + 100, 30);
      await storage.write("f", data);
      const { sizes, hash } = await chunkSizes(storage, "f");
      assert.deepEqual(sizes, [fallback, fallback, 100]);
      assert.equal(hash, sha256(data));
    });

    t.test("a custom chunkSize is honoured exactly", async (storage) => {
      const data = pseudoRandomBytes(2_500, 31);
      await storage.write("f", data);
      for (const size of [1, 7, 1_000, 2_499, 2_500, 2_501, 65_536]) {
        const { sizes, hash } = await chunkSizes(storage, "f", size);
        assert.deepEqual(sizes, expectedSizes(2_500, size), `chunk sizes for chunkSize ${size}`);
        assert.equal(hash, sha256(data), `content for chunkSize ${size}`);
      }
    });

    t.test("an exact multiple of the chunk size ends without an empty chunk", async (storage) => {
      await storage.write("f", pseudoRandomBytes(3_000, 32));
      assert.deepEqual((await chunkSizes(storage, "f", 1_000)).sizes, [1_000, 1_000, 1_000]);
      await storage.write("g", pseudoRandomBytes(fallback, 33));
      assert.deepEqual((await chunkSizes(storage, "g")).sizes, [fallback]);
    });

    t.test("an empty file yields no chunks; a small one yields one", async (storage) => {
      await storage.write("empty", "");
      assert.deepEqual((await chunkSizes(storage, "empty")).sizes, []);
      assert.deepEqual((await chunkSizes(storage, "empty", 10)).sizes, []);
      await storage.write("small", "abc");
      assert.deepEqual((await chunkSizes(storage, "small")).sizes, [3]);
    });

    t.test("a chunkSize that is not a positive integer is a RangeError", async (storage) => {
      await storage.write("f", "content");
      for (const size of [0, -1, 1.5, Number.NaN]) {
        await expectRejects(() => firstStep(storage.streamRead("f", { chunkSize: size })), RangeError, `streamRead with chunkSize ${size}`, true);
      }
    });

    t.test("stopping early releases the file", async (storage) => {
      await storage.write("f", pseudoRandomBytes(10_000, 34));
      for await (const chunk of storage.streamRead("f", { chunkSize: 1_000 })) {
        assert.equal(chunk.byteLength, 1_000);
        break;
      }
      await storage.write("f", "replaced");
      await assertContent(storage, "f", "replaced");
      await storage.delete("f");
      assert.equal(await storage.exists("f"), false);
    });

    t.test("chunks read are copies: changing them does not change the file", async (storage) => {
      await storage.write("f", "unchanged");
      for await (const chunk of storage.streamRead("f")) chunk.fill(0x21);
      await assertContent(storage, "f", "unchanged");
    });
  });
}
