import { SnapshotIOError, rechunk } from "@stowage/core";
import type { BlobMeta } from "./blob-keys.js";
import type { Catalogue } from "./catalogue.js";

/** How {@link storedChunks} fetches: chunks per round trip, and the call wrapper its errors go through. */
export interface StoredContentOptions {
  /** Chunks fetched per round trip (one batch is prefetched). */
  readBatch: number;
  /**
   * Runs one fetch. The chunks are pulled after the read's promise resolved, out of the base's
   * error mapping, so the storage passes its own (typed errors mid-stream).
   */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * Streams the stored version `meta` of `path` out, `readBatch` chunks per round trip with one batch
 * prefetched, in chunks of `size` bytes (the stored chunks as they are when `size` is the stored
 * chunk size). A chunk missing mid-read (the version was replaced and its grace period ran out)
 * fails with `SnapshotIOError` (`E_IO`).
 */
export async function* storedChunks(
  catalogue: Catalogue,
  path: string,
  meta: BlobMeta,
  size: number,
  options: StoredContentOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { readBatch, run } = options;
  const key = catalogue.keys.chunks(meta.g);
  const fetchBatch = async (first: number): Promise<Buffer[]> => {
    const fields = Array.from({ length: Math.min(readBatch, meta.n - first) }, (_, i) => String(first + i));
    const chunks = await run(() => catalogue.client.hmgetBuffer(key, ...fields));
    return chunks.map((chunk) => {
      // Only possible when the version was replaced and its grace period ran out mid-read.
      if (chunk === null) throw new SnapshotIOError(`'${path}' was replaced while it was being read`, path);
      return chunk;
    });
  };
  const stored = async function* (): AsyncGenerator<Uint8Array, void, undefined> {
    let next: Promise<Buffer[]> | undefined = meta.n > 0 ? fetchBatch(0) : undefined;
    for (let first = 0; next !== undefined; first += readBatch) {
      const batch: Promise<Buffer[]> = next;
      const following = first + readBatch;
      next = following < meta.n ? fetchBatch(following) : undefined;
      // An abandoned prefetch must not surface as an unhandled rejection.
      next?.catch(() => undefined);
      // Not `yield* batch`: an abort destroys the read's `Readable.from` stream, which calls the
      // generator's `throw`, and `yield*` hands that to the array's iterator; it has no `throw`, so
      // since the 2023 spec change (V8 in Node 24+) the read failed with "The iterator does not
      // provide a 'throw' method" (an AggregateError) instead of the AbortError.
      for (const chunk of await batch) yield chunk;
    }
  };
  yield* size === meta.c ? stored() : rechunk(stored(), size);
}
