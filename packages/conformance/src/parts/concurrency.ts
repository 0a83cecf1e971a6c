import assert from "node:assert/strict";
import { compareKeys, type SnapshotStorage } from "@stowage/core";
import { assertContent, pseudoRandomBytes, readBytes, sha256 } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";
import { slowChunks } from "../sources.js";

const WRITERS = 24;

/** Many writers and readers at once: every result is one writer's whole content. */
export function concurrencyTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("concurrency", () => {
    t.test(`${WRITERS} concurrent writers to one key leave exactly one writer's content`, async (storage) => {
      // Different lengths and bytes per writer, fed in interleaved chunks, so any mix is visible.
      const contents = Array.from({ length: WRITERS }, (_, i) => pseudoRandomBytes(20_000 + i * 1_117, 100 + i));
      const hashes = new Set(contents.map(sha256));
      await Promise.all(contents.map((content) => storage.write("contended", slowChunks(content, 4_096))));
      const result = await readBytes(storage, "contended");
      assert.ok(hashes.has(sha256(result)), `the result (${result.byteLength} bytes) is not any single writer's content`);
      assert.deepEqual(await storage.list(""), ["contended"], "concurrent writes must leave no debris");
    });

    t.test("readers during concurrent writes each see one whole version", async (storage) => {
      const old = pseudoRandomBytes(30_000, 200);
      await storage.write("hot", old);
      const contents = Array.from({ length: 8 }, (_, i) => pseudoRandomBytes(30_000 + i * 997, 201 + i));
      const versions = new Set([old, ...contents].map(sha256));
      const writes = Promise.all(contents.map((content) => storage.write("hot", slowChunks(content, 2_048))));
      const reads = Promise.all(Array.from({ length: 16 }, () => readBytes(storage, "hot")));
      const [, seen] = await Promise.all([writes, reads]);
      for (const bytes of seen) assert.ok(versions.has(sha256(bytes)), `a reader saw ${bytes.byteLength} bytes that no writer wrote`);
    });

    t.test("a read in progress during an overwrite yields the old or the new content, never a mix", async (storage) => {
      // Several backend chunks long, so a backend that reads chunk by chunk could mix versions.
      const size = 3 * t.settings.defaultChunkSize + 1;
      const old = pseudoRandomBytes(size, 300);
      const next = pseudoRandomBytes(size, 301);
      await storage.write("moving", old);
      const stream = await storage.read("moving");
      const reader = stream[Symbol.asyncIterator]();
      const first = await reader.next();
      await storage.write("moving", next);
      let seen: Buffer | undefined;
      try {
        const rest: Uint8Array[] = [];
        for (let step = await reader.next(); step.done !== true; step = await reader.next()) rest.push(step.value as Uint8Array);
        seen = Buffer.concat([first.value as Uint8Array, ...rest]);
      } catch {
        // Failing the read is allowed; handing out a mix of versions is not.
      }
      if (seen !== undefined) assert.ok([sha256(old), sha256(next)].includes(sha256(seen)), "the reader got a mix of two versions");
      await assertContent(storage, "moving", next);
    });

    t.test(`${WRITERS} concurrent writers to different keys in a new folder all land`, async (storage) => {
      const keys = Array.from({ length: WRITERS }, (_, i) => `burst/file-${i}`);
      await Promise.all(keys.map((key, i) => storage.write(key, slowChunks(pseudoRandomBytes(5_000, i), 1_000))));
      assert.deepEqual(await storage.list("burst"), [...keys].sort(compareKeys));
      for (const [i, key] of keys.entries()) assert.equal(sha256(await readBytes(storage, key)), sha256(pseudoRandomBytes(5_000, i)));
    });

    t.test("concurrent writes and deletes in one folder keep its listing exact", async (storage) => {
      const old = Array.from({ length: 12 }, (_, i) => `mix/old-${i}`);
      for (const key of old) await storage.write(key, "old");
      const fresh = Array.from({ length: 12 }, (_, i) => `mix/new-${i}`);
      await Promise.all([
        ...old.map((key) => storage.delete(key)),
        ...fresh.map((key) => storage.write(key, slowChunks(Buffer.from(key), 3))),
      ]);
      assert.deepEqual(await storage.list("mix"), [...fresh].sort(compareKeys));
      assert.deepEqual(await storage.list(""), ["mix/"]);
    });
  });
}
