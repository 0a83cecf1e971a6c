import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { rechunk, rechunkReadable } from "../../src/index.js";

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks;
}

const bytes = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) % 256);

describe("rechunk", () => {
  it("re-slices any input into chunks of exactly the size, the last one shorter", async () => {
    const input = [bytes(3), bytes(10, 3), bytes(1, 13), bytes(0), bytes(7, 14)];
    const chunks = await collect(rechunk(input, 4));
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([4, 4, 4, 4, 4, 1]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes(21)));
  });

  it("ends without an empty chunk on an exact multiple", async () => {
    expect((await collect(rechunk([bytes(8)], 4))).map((chunk) => chunk.byteLength)).toEqual([4, 4]);
  });

  it("passes fitting input through as views of the same memory, without copying", async () => {
    const input = bytes(8);
    const [first, second] = await collect(rechunk([input], 4));
    expect(first?.buffer).toBe(input.buffer);
    expect(second?.buffer).toBe(input.buffer);
    expect(second?.byteOffset).toBe(input.byteOffset + 4);
  });

  it("yields nothing for an empty source or empty chunks", async () => {
    expect(await collect(rechunk([], 4))).toEqual([]);
    expect(await collect(rechunk([bytes(0), bytes(0)], 4))).toEqual([]);
  });

  it("accepts async sources and a chunk size of 1", async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytes(2);
      yield bytes(1, 2);
    }
    expect((await collect(rechunk(source(), 1))).map((chunk) => Array.from(chunk))).toEqual([[0], [1], [2]]);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects the chunk size %s with RangeError", async (size) => {
    await expect(collect(rechunk([bytes(3)], size))).rejects.toThrow(RangeError);
  });
  it("holds memory for the bytes of a short chunk, not for a whole chunk size", async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of rechunk([new Uint8Array(10), new Uint8Array(20)], 8 * 1024 * 1024)) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([30]);
    expect((chunks[0] as Uint8Array).buffer.byteLength).toBeLessThan(1024 * 1024);
  });

  it("copies held bytes, so a producer may reuse its buffer once asked for more", async () => {
    const reused = new Uint8Array(3);
    async function* producer() {
      for (const value of [1, 2, 3]) {
        reused.fill(value);
        yield reused;
      }
    }
    const chunks: number[][] = [];
    for await (const chunk of rechunk(producer(), 4)) chunks.push([...chunk]);
    expect(chunks).toEqual([[1, 1, 1, 2], [2, 2, 3, 3], [3]]);
  });
});


describe("rechunkReadable", () => {
  const source = (sizes: number[]) => Readable.from((function* () { let n = 0; for (const size of sizes) yield Buffer.alloc(size, n++ % 256); })(), { objectMode: false });

  it("yields chunks of exactly the size from small input chunks, the last one shorter, bytes unchanged", async () => {
    const sizes = Array.from({ length: 40 }, (_, i) => 1000 + i * 37);
    const expected = Buffer.concat(sizes.map((size, n) => Buffer.alloc(size, n % 256)));
    const chunks: Uint8Array[] = [];
    for await (const chunk of rechunkReadable(source(sizes), 4096)) chunks.push(chunk);
    expect(chunks.slice(0, -1).every((chunk) => chunk.byteLength === 4096)).toBe(true);
    expect(chunks.at(-1)?.byteLength).toBe(expected.byteLength % 4096 || 4096);
    expect(Buffer.concat(chunks)).toEqual(expected);
  });

  it("yields nothing for an empty stream, rejects a bad size, and fails with the stream's error", async () => {
    const none: Uint8Array[] = [];
    for await (const chunk of rechunkReadable(source([]), 10)) none.push(chunk);
    expect(none).toEqual([]);
    await expect(rechunkReadable(source([5]), 0).next()).rejects.toThrow(RangeError);
    const failing = new Readable({ read() {} });
    failing.push(Buffer.alloc(10));
    setImmediate(() => failing.destroy(new Error("reset")));
    const steps = rechunkReadable(failing, 100);
    await expect(steps.next()).rejects.toThrow("reset");
  });

  it("destroys the stream when the loop is left early", async () => {
    const stream = source([100, 100, 100]);
    for await (const chunk of rechunkReadable(stream, 50)) {
      expect(chunk.byteLength).toBe(50);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
