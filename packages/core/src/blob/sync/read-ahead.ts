/**
 * Iterates `source` while pulling up to `limit` items ahead of the consumer, so that a slow
 * listing (a filesystem walk, S3 pages) keeps working while the consumer handles what it already
 * has: a sync's two listings then run side by side. Memory: at most `limit` items. Leaving the
 * loop early stops the pulling and closes `source`; a failure of `source` reaches the consumer
 * after the items pulled before it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let queue: T[] = [];
  let head = 0;
  let finished = false;
  let exhausted = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const signal = (): void => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const pump = (async () => {
    try {
      while (!stopped) {
        if (queue.length - head >= limit) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        queue.push(next.value);
        signal();
      }
    } catch (error) {
      exhausted = true;
      failure = { error };
    } finally {
      finished = true;
      signal();
    }
  })();

  try {
    for (;;) {
      if (head < queue.length) {
        const item = queue[head++] as T;
        if (head > 1024 && head * 2 > queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        wakeProducer?.();
        wakeProducer = undefined;
        yield item;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    await pump;
    if (!exhausted) await iterator.return?.();
  }
}
