import { Readable } from "node:stream";

/** Chunks for {@link AdvancedSnapshotStorage.streamWrite}: any sync or async iterable of bytes. */
export type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** What {@link SnapshotStorage.write} accepts. Strings are written as UTF-8. */
export type WriteContent = Readable | ChunkSource | Uint8Array | string;

/**
 * Turns any {@link WriteContent} into an async iterable of `Uint8Array` chunks, without copying or
 * buffering. String chunks (from a Readable with an encoding) are encoded as UTF-8.
 */
export async function* toChunks(content: WriteContent): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof content === "string") {
    if (content.length > 0) yield Buffer.from(content, "utf8");
    return;
  }
  if (content instanceof Uint8Array) {
    if (content.byteLength > 0) yield content;
    return;
  }
  for await (const chunk of content as AsyncIterable<unknown>) {
    if (chunk instanceof Uint8Array) {
      if (chunk.byteLength > 0) yield chunk;
    } else if (typeof chunk === "string") {
      if (chunk.length > 0) yield Buffer.from(chunk, "utf8");
    } else {
      throw new TypeError(`write content must yield Uint8Array chunks, got ${typeof chunk}`);
    }
  }
}

/** Turns any {@link WriteContent} into a Node `Readable` (the same stream if it already is one). */
export function toReadable(content: WriteContent): Readable {
  if (content instanceof Readable) return content;
  return Readable.from(toChunks(content), { objectMode: false });
}

/** True when `value` is acceptable as {@link WriteContent}. */
export function isWriteContent(value: unknown): value is WriteContent {
  if (typeof value === "string" || value instanceof Uint8Array) return true;
  if (value === null || typeof value !== "object") return false;
  return Symbol.asyncIterator in value || Symbol.iterator in value;
}

/** Reads a whole stream of chunks into one Buffer. Meant for tests and small files only. */
export async function collectBytes(source: WriteContent): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of toChunks(source)) parts.push(chunk);
  return Buffer.concat(parts);
}
