import type { FileStat } from "./storage.js";

/**
 * The method under which a listing iterator returned by {@link BlobBackend.streamList} also hands
 * out whole batches of files, where its backend lists in batches. Internal to core: the sync
 * engine asks the iterator it got from `streamList` for it, so a wrapper that replaces
 * `streamList` (a layer, a test's fault injector, a caller's `Proxy`) returns an iterator without
 * it, and its entries keep passing through the wrapper. `Symbol.for`, so that two copies of core
 * in one process (an adapter's and the caller's) speak the same protocol.
 */
export const NEXT_BATCH: unique symbol = Symbol.for("@stowage/core/listing-next-batch") as never;

/** A listing iterator that may also hand out batches (see {@link NEXT_BATCH}). */
export interface BatchingIterator extends AsyncIterableIterator<FileStat> {
  /**
   * The next files of the listing, in order and never empty; the array is the caller's. Used
   * instead of `next()`, never mixed with it.
   */
  [NEXT_BATCH]?: () => Promise<IteratorResult<readonly FileStat[], undefined>>;
}

/** How {@link listingIterator} opens its listing, and how it classifies a failure. */
export interface ListingSource {
  files: () => AsyncIterable<FileStat>;
  batches?: (() => AsyncIterable<readonly FileStat[]>) | undefined;
  classify: (error: unknown) => unknown;
}

/**
 * A thin iterator over a backend's listing, opened at the first `next()` (nothing is read at the
 * call), with every failure classified. Not an async generator: a sync pulls every entry of both
 * sides through here, and a generator layer costs promise hops per entry. With `batches`, the
 * iterator also has {@link NEXT_BATCH}, which costs those hops once per batch instead.
 */
export function listingIterator(source: ListingSource): BatchingIterator {
  let inner: AsyncIterator<unknown> | undefined;
  const rethrow = (error: unknown): never => {
    throw source.classify(error);
  };
  const pull = <T>(open: () => AsyncIterable<T>): Promise<IteratorResult<T, undefined>> => {
    try {
      inner ??= open()[Symbol.asyncIterator]();
      return (inner as AsyncIterator<T, undefined>).next().then(undefined, rethrow);
    } catch (error) {
      return Promise.reject(source.classify(error));
    }
  };
  const iterator: BatchingIterator = {
    next: () => pull(source.files),
    return: async (value?: unknown) => {
      await inner?.return?.();
      return { done: true, value: value as undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  const { batches } = source;
  if (batches !== undefined) iterator[NEXT_BATCH] = () => pull(batches);
  return iterator;
}

/** The batches of a listing that may hand them out (see {@link NEXT_BATCH}), or `undefined`. */
export function batchesOf(iterator: AsyncIterator<unknown>): (() => Promise<IteratorResult<readonly FileStat[], undefined>>) | undefined {
  const next = (iterator as BatchingIterator)[NEXT_BATCH];
  return typeof next === "function" ? next.bind(iterator) : undefined;
}
