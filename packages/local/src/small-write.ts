import path from "node:path";
import type { BackendContent, WriteContent } from "@stowage/core";
import { CopyThreads } from "./copy-threads.js";
import { syncFolder } from "./folders.js";
import { toStowageError } from "./fs-errors.js";
import { INLINE_COPIES } from "./native-copy.js";
import { replaceOnThread } from "./thread-replace.js";

/**
 * The most bytes a write may hold to be sent whole to a copy thread (see `copy-worker.ts`): one
 * message and one hop instead of the six thread-pool round trips of a streamed write (open,
 * write, futimes, close, then lstat and rename).
 */
export const SMALL_WRITE = 64 * 1024;

/** A write's content: `small` and whole when it is at most {@link SMALL_WRITE} bytes, else the `content` to write as it comes. */
export type Gathered = { small: Uint8Array; content?: undefined } | { small?: undefined; content: WriteContent };

/**
 * Reads the content of a write as far as {@link SMALL_WRITE} bytes. Content that ends by then is
 * returned whole (copied: a producer may reuse a chunk's buffer once the next is pulled); longer
 * content is returned as a stream that yields what was read, then the rest, and that stops the
 * source when it is stopped. A failure of the source rejects as it came, before anything is written.
 */
export async function gatherSmall(content: BackendContent, limit = SMALL_WRITE): Promise<Gathered> {
  if (content.bytes !== undefined) return content.bytes.byteLength <= limit ? { small: content.bytes } : { content: content.bytes };
  const iterator = content.chunks[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return { small: taken.length === 1 ? (taken[0] as Uint8Array) : Buffer.concat(taken, size) };
    size += next.value.byteLength;
    // The chunk that crosses the limit is passed on as it is: it is written before the next pull.
    if (size > limit) return { content: resumed([...taken, next.value], iterator) };
    taken.push(Buffer.from(next.value));
  }
}

async function* resumed(taken: Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  let finished = false;
  try {
    yield* taken;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (a failed write): stop the source too, as writeBlocks would have.
    if (!finished) await iterator.return?.();
  }
}

/** A backend's copy threads end once idle this long (ms); a new burst of writes starts them again. */
const THREAD_IDLE_MS = 2_000;

/**
 * The small writes of one backend: the first {@link INLINE_COPIES} are written on the main thread
 * (a few writes do not pay for starting a thread), the rest by a copy thread, each in one message
 * with its bytes (batched with the others of the same turn). The promises are `replaceDurably`'s:
 * a fresh temporary file created `O_EXCL | O_NOFOLLOW` in a folder checked to be real, its time
 * set, fsynced when `durable`, renamed over a target that is not a link or a non-empty folder;
 * then, when `durable`, the folder is fsynced before the write resolves.
 */
export class ThreadWrites {
  #count = 0;
  #threads: CopyThreads | undefined;

  constructor(
    private readonly root: string,
    private readonly durable: boolean,
  ) {}

  /** Whether the next small write goes to a thread. */
  wants(): boolean {
    return ++this.#count > INLINE_COPIES;
  }

  /**
   * Writes `bytes` to `target` (key `key`) on a copy thread, with the time `mtimeNs` when given;
   * `false` when no thread could start and nothing was written (the caller writes it itself).
   */
  async write(key: string, target: string, bytes: Uint8Array, mtimeNs: bigint | undefined): Promise<boolean> {
    // One thread: the main thread is busy with the source here (S3's requests, say). A second
    // thread added 16 MiB and no speed to a sync of 10,000 files from S3 (4.6-5.0 s either way).
    this.#threads ??= new CopyThreads(this.durable, 1, THREAD_IDLE_MS);
    if (!(await replaceOnThread(this.#threads, { root: this.root, to: target, key }, (temp) => ({ bytes, mtimeNs, temp, to: target })))) return false;
    if (!this.durable) return true;
    try {
      await syncFolder(path.dirname(target));
    } catch (error) {
      throw toStowageError(error, key, "writing");
    }
    return true;
  }
}
