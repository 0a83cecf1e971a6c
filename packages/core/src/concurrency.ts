/**
 * Runs `work` on every item with at most `limit` calls in flight, and resolves with the results in
 * input order. Every item is attempted even when some fail; the failures are reported together.
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await work(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Like {@link mapSettled}, but rejects with the first failure once all work has finished. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const settled = await mapSettled(items, limit, work);
  const failure = settled.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}

/**
 * Runs tasks with at most `limit` in flight, for producers that discover work as they go (a sync
 * walking two listings): {@link TaskPool.run} waits for a free slot before it starts a task, so the
 * producer slows to the pool's pace and memory stays bounded by `limit`. Task failures go to
 * `onError`; {@link TaskPool.drain} waits for every started task.
 */
export class TaskPool {
  readonly #limit: number;
  readonly #running = new Set<Promise<void>>();
  readonly #onError: (error: unknown) => void;

  constructor(limit: number, onError: (error: unknown) => void) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
    this.#limit = limit;
    this.#onError = onError;
  }

  /**
   * Starts `task` once fewer than `limit` tasks run. Returns `undefined` when it started at once,
   * else a promise that resolves when it has started (so a caller awaits only when it must).
   */
  run(task: () => Promise<void>): Promise<void> | undefined {
    if (this.#running.size < this.#limit) {
      this.#start(task);
      return undefined;
    }
    return this.#startWhenFree(task);
  }

  async #startWhenFree(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.#limit) await Promise.race(this.#running);
    this.#start(task);
  }

  #start(task: () => Promise<void>): void {
    const running: Promise<void> = task()
      .catch(this.#onError)
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Resolves once every started task has settled. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
