import { createHash, randomUUID } from "node:crypto";
import { SnapshotIOError, rechunk } from "@stowage/core";
import type { BlobMeta } from "./blob-keys.js";
import type { Catalogue } from "./catalogue.js";

/** How {@link stageContent} cuts and sends a file. */
export interface StagingOptions {
  /** Bytes per stored chunk. */
  chunkSize: number;
  /** Chunk writes in flight at once. */
  writeConcurrency: number;
  /** Expiry of unfinished staged content, in ms. */
  stagingTtlMs: number;
}

/** Chunks between two refreshes of a staged file's TTL. */
const TTL_REFRESH_CHUNKS = 64;

/**
 * Writes `source` under a fresh content id, `chunkSize` bytes per hash field with up to
 * `writeConcurrency` writes in flight, and resolves with its metadata (mtime: now) for the swap.
 * The content carries the staging TTL (set with its first chunk, refreshed every 64 chunks) until
 * it is made permanent just before the swap; a crash in between leaves an orphan that gc finds,
 * never a dangling file. On any failure (the source's, an abort's, Redis's) what was staged is
 * removed and the error is thrown as it came.
 */
export async function stageContent(catalogue: Catalogue, path: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: StagingOptions): Promise<BlobMeta> {
  const { client } = catalogue;
  const id = randomUUID();
  const key = catalogue.keys.chunks(id);
  const hash = createHash("sha256");
  const inFlight = new Set<Promise<void>>();
  let size = 0;
  let count = 0;
  let failure: unknown;
  try {
    for await (const chunk of rechunk(source, options.chunkSize)) {
      if (failure !== undefined) break;
      hash.update(chunk);
      size += chunk.byteLength;
      const field = String(count++);
      // A copy: the chunk may be a view of the caller's buffer, which it may reuse once we ask
      // for the next chunk while this one is still on its way to Redis.
      const buffer = Buffer.from(chunk);
      // The staging TTL is set with the first chunk and refreshed now and then, not per chunk.
      const refreshTtl = count % TTL_REFRESH_CHUNKS === 1;
      const sent: Promise<void> = catalogue
        .run(async () => {
          if (refreshTtl) await catalogue.stamp(key, (tx) => tx.hset(key, field, buffer).pexpire(key, options.stagingTtlMs));
          else await client.hset(key, field, buffer);
        })
        .then(
          () => void inFlight.delete(sent),
          (error: unknown) => {
            inFlight.delete(sent);
            failure ??= error;
          },
        );
      inFlight.add(sent);
      if (inFlight.size >= options.writeConcurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    // Every chunk must still be there: an expiry or a gc may have removed them.
    if (count > 0) {
      const [length] = await catalogue.run(() => catalogue.stamp(key, (tx) => tx.hlen(key).persist(key)));
      if (length !== count + 1) throw new SnapshotIOError(`the staged content of '${path}' expired or was collected before it was complete`, path);
    }
  } catch (error) {
    await Promise.all(inFlight);
    await catalogue.discard(id);
    throw error;
  }
  return { g: id, s: size, m: Date.now(), e: hash.digest("hex"), n: count, c: options.chunkSize };
}
