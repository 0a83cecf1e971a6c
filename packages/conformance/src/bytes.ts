import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { SnapshotStorage } from "@stowage/core";

/**
 * Deterministic pseudo-random bytes (xorshift32): incompressible, different for every seed, and
 * fast enough to make megabytes per test.
 */
export function pseudoRandomBytes(size: number, seed = 1): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Every byte value once, in order: catches text decoding and sign bugs. */
export function allByteValues(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => i));
}

/** SHA-256 in hex, for comparing contents without printing megabytes on failure. */
export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Collects an async iterable of chunks, checking that every chunk is bytes. */
export async function collectChunks(source: AsyncIterable<unknown>, what: string): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) {
    assert.ok(chunk instanceof Uint8Array, `${what} must yield Uint8Array chunks, got ${typeof chunk}`);
    chunks.push(chunk);
  }
  return chunks;
}

/** Reads a whole file through `read`, checking that it resolves to a byte-mode `Readable`. */
export async function readBytes(storage: SnapshotStorage, key: string): Promise<Buffer> {
  const stream = await storage.read(key);
  assert.ok(stream instanceof Readable, `read('${key}') must resolve to a node:stream Readable`);
  return Buffer.concat(await collectChunks(stream, `read('${key}')`));
}

/** Asserts that `key` holds exactly `expected` (compared by length and hash). */
export async function assertContent(storage: SnapshotStorage, key: string, expected: Uint8Array | string): Promise<void> {
  const want = typeof expected === "string" ? Buffer.from(expected, "utf8") : expected;
  const got = await readBytes(storage, key);
  assert.equal(got.byteLength, want.byteLength, `'${key}' should hold ${want.byteLength} bytes, holds ${got.byteLength}`);
  assert.equal(sha256(got), sha256(want), `'${key}' holds other bytes than were written`);
}
