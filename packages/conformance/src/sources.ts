import { setImmediate as nextTurn } from "node:timers/promises";

/** The error the failing sources throw, so a test can recognise it. */
export class SourceFailure extends Error {
  constructor() {
    super("the source failed on purpose (conformance test)");
    this.name = "SourceFailure";
  }
}

/** Yields `data` in chunks of `chunkSize`, letting other tasks run between chunks. */
export async function* slowChunks(data: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) {
    await nextTurn();
    yield data.subarray(offset, offset + chunkSize);
  }
}

/** Yields `prefix` in chunks, then throws {@link SourceFailure}: a source that breaks half-way. */
export async function* failingAfter(prefix: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array, void, undefined> {
  yield* slowChunks(prefix, chunkSize);
  throw new SourceFailure();
}

/** A source paused after its first chunk until `release()`: lets a test look at a write in progress. */
export interface GatedSource {
  /** The content, to pass to `write` or `streamWrite`. */
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
  /** Resolves once the writer has taken the first chunk and asked for the next. */
  started: Promise<void>;
  /** Lets the rest of the content flow. */
  release: () => void;
}

/** Makes a {@link GatedSource} for `data` (two halves around the pause). */
export function gatedSource(data: Uint8Array): GatedSource {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const half = Math.floor(data.byteLength / 2);
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    yield data.subarray(0, half);
    markStarted();
    await gate;
    yield data.subarray(half);
  }
  return { chunks: chunks(), started, release };
}

/**
 * Yields `data` in chunks of `chunkSize` through ONE buffer, overwritten before each yield, as
 * some stream producers do: an adapter that keeps a reference to a chunk (queued for a network
 * send, or collected to concatenate later) instead of copying or consuming it before asking for
 * the next one stores the last chunk's bytes in place of earlier ones. With `pause`, other tasks
 * run between chunks, so sends still in flight see the buffer change under them.
 */
export async function* reusedBuffer(data: Uint8Array, chunkSize: number, pause: boolean): AsyncGenerator<Uint8Array, void, undefined> {
  const buffer = new Uint8Array(chunkSize);
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) {
    const chunk = data.subarray(offset, offset + chunkSize);
    if (pause) await nextTurn();
    buffer.set(chunk);
    // The last chunk may be shorter: still a view of the same memory.
    yield chunk.byteLength === chunkSize ? buffer : buffer.subarray(0, chunk.byteLength);
  }
}

/** A web `ReadableStream` built by {@link webStreamOf}, with what its consumer did to it. */
export interface RecordedWebStream {
  /** The content, to pass to `write` or `streamWrite`. */
  stream: ReadableStream<Uint8Array>;
  /** Every `cancel(reason)` the stream received, in order. */
  cancels: unknown[];
}

/**
 * A pull-based WHATWG `ReadableStream` of `parts`, one per pull with a turn of the event loop
 * before each (as a `fetch` body delivers them). Parts are given as is, so a test can slip in a
 * chunk that is not bytes.
 */
export function webStreamOf(parts: readonly unknown[]): RecordedWebStream {
  const cancels: unknown[] = [];
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await nextTurn();
      if (index < parts.length) controller.enqueue(parts[index++] as Uint8Array);
      else controller.close();
    },
    cancel(reason) {
      cancels.push(reason);
    },
  });
  return { stream, cancels };
}

/** `data` cut into views of at most `chunkSize` bytes. */
export function sliced(data: Uint8Array, chunkSize: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) parts.push(data.subarray(offset, offset + chunkSize));
  return parts;
}
