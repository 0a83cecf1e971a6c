import { backOff } from "exponential-backoff";
import { isStowageError } from "../../errors.js";
import { integerOption, positiveInteger } from "../../options.js";
import type { WriteContent } from "../content.js";
import type { FileStat, ReadOptions, SnapshotStorage, StreamListOptions, WriteOptions } from "../storage.js";
import { layer, method } from "./layer.js";

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Tries in all, the first included. Default 4. */
  attempts?: number;
  /** Delay before the first retry, in ms; doubled for each next one, with full jitter. Default 100. */
  baseDelayMs?: number;
  /** Longest delay between two tries, in ms. Default 5,000. */
  maxDelayMs?: number;
  /**
   * Which failures are worth another try. Default: an outage (`E_UNAVAILABLE`: a refused or reset
   * connection, a timeout, a server that answered it is unavailable). Never an abort.
   */
  retryable?: (error: unknown) => boolean;
}

/**
 * The storage with retries, with exponential backoff and full jitter (the `exponential-backoff`
 * package), for idempotent calls only, as OpenDAL's `RetryLayer` and the AWS SDK do:
 * `list`, `exists`, `stat`, `delete`, `recursiveList`, `read` until its stream is open,
 * `streamList` until its first entry, and `write` of bytes or a string (the same bytes again).
 * Never retried: a streamed `write` or `streamWrite` (its source cannot be replayed), `atomicMove`
 * (a move that succeeded but whose answer was lost would fail as "not found" the second time),
 * and anything aborted by the caller's signal. The last failure is rethrown as it was. Bad
 * options: `InvalidOptionsError` (`E_INVALID_OPTIONS`). Brands and the backend name pass through.
 */
export function withRetry<S extends SnapshotStorage>(storage: S, options: RetryOptions = {}): S {
  const attempts = positiveInteger("attempts", options.attempts ?? 4, "withRetry");
  const startingDelay = integerOption("baseDelayMs", options.baseDelayMs ?? 100, 0, 60_000, "withRetry");
  const maxDelay = integerOption("maxDelayMs", options.maxDelayMs ?? 5_000, 0, 600_000, "withRetry");
  const retryable = options.retryable ?? ((error: unknown) => isStowageError(error, "E_UNAVAILABLE"));
  const again = <T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    backOff(call, {
      numOfAttempts: attempts,
      startingDelay,
      maxDelay,
      jitter: "full",
      retry: (error: unknown) => signal?.aborted !== true && !isStowageError(error, "E_ABORTED") && retryable(error),
    });
  const idempotent = <A extends unknown[], R>(op: string) => {
    const call = method<A, Promise<R>>(storage, op);
    return (...args: A): Promise<R> => again(() => call(...args));
  };
  return layer(storage, {
    list: idempotent("list"),
    exists: idempotent("exists"),
    stat: idempotent("stat"),
    md5: idempotent("md5"),
    delete: idempotent("delete"),
    recursiveList: idempotent("recursiveList"),
    read: (key: string, readOptions: ReadOptions = {}) => again(() => method<[string, ReadOptions], Promise<unknown>>(storage, "read")(key, readOptions), readOptions.signal),
    write: (key: string, content: WriteContent, writeOptions: WriteOptions = {}) => {
      const write = method<[string, WriteContent, WriteOptions], Promise<void>>(storage, "write");
      const replayable = typeof content === "string" || content instanceof Uint8Array;
      return replayable ? again(() => write(key, content, writeOptions), writeOptions.signal) : write(key, content, writeOptions);
    },
    streamList: (prefix: string, listOptions?: StreamListOptions) => retriedListing(storage, prefix, listOptions, again),
  });
}

/** `streamList`, started again while it fails before its first entry; past that, failures stand. */
async function* retriedListing(
  storage: SnapshotStorage,
  prefix: string,
  options: StreamListOptions | undefined,
  again: <T>(call: () => Promise<T>) => Promise<T>,
): AsyncGenerator<FileStat, void, undefined> {
  const list = method<[string, StreamListOptions?], AsyncIterable<FileStat>>(storage, "streamList");
  let iterator: AsyncIterator<FileStat> | undefined;
  const first = await again(async () => {
    iterator = list(prefix, options)[Symbol.asyncIterator]();
    return iterator.next();
  });
  if (first.done === true) return;
  const opened = iterator as AsyncIterator<FileStat>;
  let finished = false;
  try {
    yield first.value;
    for (;;) {
      const next = await opened.next();
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) await opened.return?.();
  }
}
