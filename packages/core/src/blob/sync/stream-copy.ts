import { abortableReadable } from "../abort.js";
import { toChunks, type WriteContent } from "../content.js";
import type { SnapshotStorage } from "../storage.js";

/**
 * Streams file `fromKey` of `from` into `toKey` of `to` (`read`, then an atomic `write`), carrying
 * `mtime` when given. Both sides get `signal`; the stream is also cut here, for a source that
 * ignores it (a basic tier of another author): either way the write fails, and the target removes
 * what it started; a write that fails before draining the stream destroys it, so no file
 * descriptor or socket stays open until garbage collection. Resolves with the bytes that flowed.
 * Rejects with the read's or the write's error (`E_NOT_FOUND` when `fromKey` is missing).
 * `onBytes` hears the bytes that flowed so far after each chunk.
 * The one streamed copy of sync's copies and its backups.
 */
export async function streamCopy(
  from: SnapshotStorage,
  fromKey: string,
  to: SnapshotStorage,
  toKey: string,
  mtime: Date | undefined,
  signal: AbortSignal | undefined,
  onBytes?: (flowed: number) => void,
): Promise<number> {
  const content = abortableReadable(await from.read(fromKey, { signal }), signal, "the sync");
  let flowed = 0;
  const count = onBytes === undefined ? (bytes: number) => (flowed += bytes) : (bytes: number) => onBytes((flowed += bytes));
  try {
    await to.write(toKey, counted(content, count), mtime === undefined ? { signal } : { mtime, signal });
  } catch (error) {
    content.destroy();
    throw error;
  }
  return flowed;
}

/** Passes chunks through, telling `onBytes` the size of each. */
async function* counted(content: WriteContent, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of toChunks(content)) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
