import { Readable } from "node:stream";

/**
 * The web platform's content forms, as `fetch`, `Response`, `File` inputs and `Blob` give them: a
 * WHATWG `ReadableStream` of `Uint8Array` chunks, or a `Blob` (a `File` is one). Recognised by
 * shape, not by class, so streams and blobs from any realm or polyfill work.
 */
export type WebContent = ReadableStream<Uint8Array> | Blob;

/**
 * Chunks for {@link AdvancedSnapshotStorage.streamWrite}: any sync or async iterable of bytes, or a
 * {@link WebContent} (web `ReadableStream` or `Blob`). Normalise with {@link toChunks}.
 */
export type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | WebContent;

/** What {@link SnapshotStorage.write} accepts. Strings are written as UTF-8. */
export type WriteContent = Readable | ChunkSource | Uint8Array | string;

/**
 * Turns any {@link WriteContent} into an async iterable of `Uint8Array` chunks, without copying or
 * buffering. String chunks (from a Readable with an encoding, or an iterable) are encoded as UTF-8.
 * A web `ReadableStream` must yield `Uint8Array` chunks only (pipe text through a
 * `TextEncoderStream`); a `Blob` is read through its own `stream()`.
 *
 * @throws TypeError (from the iteration) when a chunk is not bytes; a web stream is then cancelled.
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
  if (isBlob(content)) {
    if (content.size > 0) yield* webStreamChunks(content.stream());
    return;
  }
  if (isWebReadableStream(content)) {
    yield* webStreamChunks(content);
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

/**
 * Reads a web stream through its reader (not its async iterator, which older runtimes and
 * polyfills lack). When the consumer stops early, or a chunk is not bytes, the stream is cancelled
 * so its producer (a `fetch` body, a file) is released.
 */
async function* webStreamChunks(stream: ReadableStream<unknown>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        finished = true;
        return;
      }
      const chunk = next.value;
      if (!(chunk instanceof Uint8Array)) {
        const kind = typeof chunk === "string" ? "string (pipe text through a TextEncoderStream)" : typeof chunk;
        throw new TypeError(`a web ReadableStream given as write content must yield Uint8Array chunks, got ${kind}`);
      }
      if (chunk.byteLength > 0) yield chunk;
    }
  } catch (error) {
    finished = true; // a stream that errored needs no cancel; a bad chunk gets one below
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
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
  return Symbol.asyncIterator in value || Symbol.iterator in value || isBlob(value) || isWebReadableStream(value);
}

/**
 * Rejects anything that is not {@link WriteContent}, before any I/O, naming the forms accepted.
 *
 * @throws TypeError when `value` is not a string, bytes, a `Readable`, an iterable of chunks, a web
 *   `ReadableStream` or a `Blob`
 */
export function assertWriteContent(value: unknown): asserts value is WriteContent {
  if (!isWriteContent(value)) {
    throw new TypeError(
      "write content must be a Uint8Array, a string, a Readable, a sync or async iterable of Uint8Array, a web ReadableStream or a Blob",
    );
  }
}

/** A web `ReadableStream`, by shape (`getReader` and `cancel`), from any realm. */
function isWebReadableStream(value: unknown): value is ReadableStream<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { getReader?: unknown }).getReader === "function" &&
    typeof (value as { cancel?: unknown }).cancel === "function"
  );
}

/** A `Blob` or `File`, by shape (`stream`, `arrayBuffer`, numeric `size`), from any realm. */
function isBlob(value: unknown): value is Blob {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { stream?: unknown }).stream === "function" &&
    typeof (value as { arrayBuffer?: unknown }).arrayBuffer === "function" &&
    typeof (value as { size?: unknown }).size === "number"
  );
}

/** Reads a whole stream of chunks into one Buffer. Meant for tests and small files only. */
export async function collectBytes(source: WriteContent): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of toChunks(source)) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Runs `write`, which consumes `content`, holding a `Readable` source's `'error'` meanwhile: a
 * source that fails before the write reads it (while a backend prepares: folders, conflict
 * checks) then rejects the write instead of crashing the process. A failed write destroys the
 * source, so no file descriptor or socket stays open. Any other content runs `write` as it is.
 */
export async function holdingSourceErrors<T>(content: WriteContent, write: () => Promise<T>): Promise<T> {
  if (!(content instanceof Readable)) return write();
  const hold = (): void => undefined;
  content.on("error", hold);
  try {
    return await write();
  } catch (error) {
    content.destroy();
    throw error;
  } finally {
    content.off("error", hold);
  }
}
