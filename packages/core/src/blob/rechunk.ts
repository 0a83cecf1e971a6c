/**
 * Checks a per-call chunk size (e.g. `streamRead`'s `chunkSize`) and returns it; the contract makes
 * anything but a positive integer a `RangeError` (constructor options use `InvalidOptionsError`).
 */
export function checkChunkSize(size: number): number {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  return size;
}

/**
 * Re-slices a stream of byte chunks into chunks of exactly `size` bytes (the last one may be
 * shorter; an empty source yields nothing). Input chunks that already fit are passed through as
 * views, never copied; at most `size` bytes are buffered.
 */
export async function* rechunk(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  checkChunkSize(size);
  let pending: Uint8Array | undefined; // a partial chunk being filled, `size` bytes long
  let filled = 0;
  for await (const input of source) {
    let offset = 0;
    if (pending !== undefined) {
      const take = Math.min(size - filled, input.byteLength);
      pending.set(input.subarray(0, take), filled);
      filled += take;
      offset = take;
      if (filled < size) continue;
      yield pending;
      pending = undefined;
      filled = 0;
    }
    while (input.byteLength - offset >= size) {
      yield input.subarray(offset, offset + size);
      offset += size;
    }
    if (offset < input.byteLength) {
      pending = new Uint8Array(size);
      pending.set(input.subarray(offset), 0);
      filled = input.byteLength - offset;
    }
  }
  if (pending !== undefined && filled > 0) yield pending.subarray(0, filled);
}
