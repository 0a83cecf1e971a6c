import { batchesOf } from "../listing-iterator.js";

/** Entries per batch handed to the merge: large enough that the per-batch await is negligible. */
const BATCH = 256;

/**
 * Reads an async listing ahead of its consumer, in batches: up to `batches` × 256 entries are
 * pulled while the consumer works, so a slow listing (a filesystem walk, S3 pages) keeps going
 * and a sync's two listings run side by side; and the consumer pays one await per batch, not per
 * entry (a sync of 100,000 files merges 200,000 entries). A listing whose iterator hands out
 * batches itself (see `listing-iterator.ts`) is read a batch at a time as well. Memory: at most
 * `batches` + 1 batches.
 */
export class ListingBatches<T> {
  readonly #iterator: AsyncIterator<T>;
  /** The listing's batches, where its iterator hands them out (see `listing-iterator.ts`): one await per batch. */
  readonly #nextBatch: (() => Promise<IteratorResult<readonly T[], undefined>>) | undefined;
  readonly #limit: number;
  readonly #ready: T[][] = [];
  #filling: T[] = [];
  #finished = false;
  #exhausted = false;
  #stopped = false;
  #failure: { error: unknown } | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  readonly #pump: Promise<void>;

  constructor(source: AsyncIterable<T>, batches: number) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#nextBatch = batchesOf(this.#iterator) as (() => Promise<IteratorResult<readonly T[], undefined>>) | undefined;
    this.#limit = batches;
    this.#pump = this.#run();
  }

  /** The next batch (never empty), or `undefined` once the listing is over; rethrows its failure. */
  async next(): Promise<T[] | undefined> {
    for (;;) {
      const batch = this.#ready.shift();
      if (batch !== undefined) {
        this.#wake("producer");
        return batch;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#finished) return undefined;
      await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    }
  }

  /** Stops reading and closes the source listing (its `return()`), waiting for both. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#wake("producer");
    await this.#pump;
    if (!this.#exhausted) await this.#iterator.return?.();
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopped) {
        if (this.#ready.length >= this.#limit) {
          await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
          continue;
        }
        const next = await (this.#nextBatch === undefined ? this.#iterator.next() : this.#nextBatch());
        if (next.done === true) {
          this.#exhausted = true;
          break;
        }
        if (this.#nextBatch === undefined) this.#filling.push(next.value as T);
        else this.#take(next.value as readonly T[]);
        // A partial batch is handed over when the consumer is waiting for it.
        if (this.#filling.length >= BATCH || this.#wakeConsumer !== undefined) this.#handOver();
      }
    } catch (error) {
      this.#exhausted = true;
      this.#failure = { error };
    } finally {
      this.#handOver();
      this.#finished = true;
      this.#wake("consumer");
    }
  }

  /** Adds a batch of the listing's to the one being filled (taking the array itself when that is empty). */
  #take(batch: readonly T[]): void {
    if (this.#filling.length === 0) this.#filling = batch as T[];
    else for (const entry of batch) this.#filling.push(entry);
  }

  #handOver(): void {
    if (this.#filling.length === 0) return;
    this.#ready.push(this.#filling);
    this.#filling = [];
    this.#wake("consumer");
  }

  #wake(who: "consumer" | "producer"): void {
    if (who === "consumer") {
      this.#wakeConsumer?.();
      this.#wakeConsumer = undefined;
    } else {
      this.#wakeProducer?.();
      this.#wakeProducer = undefined;
    }
  }
}
