import type { Readable } from "node:stream";

/**
 * Checks a per-call chunk size (e.g. `streamRead`'s `chunkSize`) and returns it; the contract makes
 * anything but a positive integer a `RangeError` (constructor options use `InvalidOptionsError`).
 */
export function checkChunkSize(size: number): number {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  return size;
}

/** The first buffer held for a partial chunk; it doubles as needed, up to the chunk size. */
const FIRST_PARTIAL = 64 * 1024;

/**
 * Re-slices a stream of byte chunks into chunks of exactly `size` bytes (the last one may be
 * shorter; an empty source yields nothing). Input chunks that already fit are passed through as
 * views, never copied; at most `size` bytes are buffered. A partial chunk is copied into a buffer
 * that grows as it fills, so a small file costs memory for its bytes, not for a whole chunk (an
 * 8 MiB part size must not mean 8 MiB per small write).
 */
export async function* rechunk(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  checkChunkSize(size);
  const partial = new PartialChunk(size);
  for await (const input of source) {
    let offset = 0;
    if (partial.filled > 0) {
      offset = partial.add(input, 0);
      if (partial.filled < size) continue;
      yield partial.take();
    }
    while (input.byteLength - offset >= size) {
      yield input.subarray(offset, offset + size);
      offset += size;
    }
    if (offset < input.byteLength) partial.add(input, offset);
  }
  if (partial.filled > 0) yield partial.take();
}

/**
 * The bytes of a chunk being filled, copied (a producer may reuse its buffer once it is asked for
 * more). The first chunk's buffer starts small and grows; once one chunk has been completed the
 * source is known to be big, and each next buffer is allocated whole at once, so a long stream of
 * small input chunks (an HTTP body's 16-64 KiB) costs one allocation and one copy per chunk, not
 * a growth by doubling with a copy per step (issue 14: S3 streamRead).
 */
class PartialChunk {
  filled = 0;
  #buffer: Uint8Array | undefined;
  #big = false;

  constructor(private readonly size: number) {}

  /** Copies bytes of `input` from `offset` until the chunk is full; returns the offset reached. */
  add(input: Uint8Array, offset: number): number {
    const take = Math.min(this.size - this.filled, input.byteLength - offset);
    const needed = this.filled + take;
    if (this.#buffer === undefined || this.#buffer.byteLength < needed) {
      let capacity = this.#big ? this.size : Math.min(this.size, Math.max(FIRST_PARTIAL, this.#buffer?.byteLength ?? 0));
      while (capacity < needed) capacity = Math.min(this.size, capacity * 2);
      const grown = Buffer.allocUnsafe(capacity);
      if (this.#buffer !== undefined) grown.set(this.#buffer.subarray(0, this.filled), 0);
      this.#buffer = grown;
    }
    this.#buffer.set(input.subarray(offset, offset + take), this.filled);
    this.filled = needed;
    return offset + take;
  }

  /** The chunk so far (handed over: the next one starts in a fresh buffer). */
  take(): Uint8Array {
    const chunk = (this.#buffer as Uint8Array).subarray(0, this.filled);
    if (this.filled === this.size) this.#big = true;
    this.#buffer = undefined;
    this.filled = 0;
    return chunk;
  }
}

/**
 * {@link rechunk} for a byte-mode `Readable`: chunks of exactly `size` bytes (the last one
 * shorter; an empty stream yields nothing), taken with `stream.read(size)`, which lets the stream
 * assemble them from its own buffer (one copy, or a view when one buffered chunk is big enough)
 * instead of an async-iterator step per input chunk; an HTTP body arrives in 16-64 KiB pieces, and
 * that step was most of the cost of re-chunking a download (issue 14). The stream buffers up to
 * about `size` bytes (Node raises its high-water mark to fit). Fails with the stream's error;
 * leaving the loop early destroys the stream.
 */
export async function* rechunkReadable(stream: Readable, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  checkChunkSize(size);
  // One set of listeners for the whole loop: re-adding a 'readable' listener re-emits 'readable'
  // at once while anything is buffered, which would spin instead of waiting for more data.
  let wake: (() => void) | undefined;
  const onEvent = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const events = ["readable", "end", "close", "error"] as const;
  for (const event of events) stream.on(event, onEvent);
  try {
    for (;;) {
      if (stream.errored !== null) throw stream.errored;
      const chunk = stream.read(size) as Buffer | null;
      if (chunk !== null) {
        if (chunk.byteLength > 0) yield chunk;
        continue;
      }
      if (stream.readableEnded || stream.destroyed) {
        if (stream.errored !== null) throw stream.errored;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    for (const event of events) stream.off(event, onEvent);
    // An 'error' emitted after the loop must not go unheard (it would crash the process).
    stream.on("error", () => undefined);
    if (!stream.destroyed) stream.destroy();
  }
}
