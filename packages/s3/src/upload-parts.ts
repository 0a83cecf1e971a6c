/**
 * Cuts a stream of byte chunks into upload parts of exactly `partSize` bytes (the last one
 * shorter; an empty source yields nothing). Unlike core's `rechunk`, which allocates a whole
 * chunk of `size` bytes as soon as a partial one starts, a part is assembled from the chunks held
 * so far only once it is complete or the source ends, so a 10 KiB file costs 10 KiB and not a
 * zeroed 8 MiB buffer. Memory: one part plus one input chunk. A chunk that is held is copied, as
 * `rechunk` does, since a source may reuse its buffer once the next chunk is asked for; a whole part
 * cut from one input chunk is passed on as a view.
 */
export async function* uploadParts(source: AsyncIterable<Uint8Array>, partSize: number): AsyncGenerator<Uint8Array, void, undefined> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  for await (const input of source) {
    let chunk = input;
    while (heldBytes + chunk.byteLength >= partSize) {
      const take = partSize - heldBytes;
      held.push(chunk.subarray(0, take));
      yield held.length === 1 ? (held[0] as Uint8Array) : Buffer.concat(held, partSize);
      held = [];
      heldBytes = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.byteLength > 0) {
      held.push(new Uint8Array(chunk)); // a copy (Buffer#slice would be a view)
      heldBytes += chunk.byteLength;
    }
  }
  if (heldBytes > 0) yield held.length === 1 ? (held[0] as Uint8Array) : Buffer.concat(held, heldBytes);
}
