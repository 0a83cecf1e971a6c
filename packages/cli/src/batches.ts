/**
 * Groups `items` into arrays of at most `size`, yielded as each fills: work on a listing of any
 * length in bounded pieces (stat a page of files at a time, delete a page at a time).
 */
export async function* inBatches<T>(items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[], void, undefined> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
