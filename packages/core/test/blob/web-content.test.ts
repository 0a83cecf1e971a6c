import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { assertWriteContent, collectBytes, isWriteContent, toChunks, toReadable } from "../../src/index.js";

/** A web stream over `parts`, recording whether and why it was cancelled. */
function webStream(parts: unknown[]): { stream: ReadableStream<Uint8Array>; cancelled: () => unknown[] } {
  const reasons: unknown[] = [];
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < parts.length) controller.enqueue(parts[index++] as Uint8Array);
      else controller.close();
    },
    cancel(reason) {
      reasons.push(reason);
    },
  });
  return { stream, cancelled: () => reasons };
}

describe("web content forms", () => {
  it("reads a web ReadableStream chunk by chunk, without copying", async () => {
    const first = Buffer.from("hé");
    const { stream, cancelled } = webStream([first, new Uint8Array(0), Buffer.from("🎉")]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of toChunks(stream)) chunks.push(chunk);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toBe(first);
    expect(Buffer.concat(chunks).toString("utf8")).toBe("hé🎉");
    expect(cancelled()).toEqual([]);
  });

  it("reads a Blob and a File, and an empty one as no chunks", async () => {
    expect((await collectBytes(new Blob(["hé", Buffer.from("🎉")]))).toString("utf8")).toBe("hé🎉");
    const { File } = await import("node:buffer");
    expect((await collectBytes(new File([Buffer.from("file body")], "a.txt"))).toString("utf8")).toBe("file body");
    const chunks: Uint8Array[] = [];
    for await (const chunk of toChunks(new Blob([]))) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it("reads a large Blob made of several parts, exactly", async () => {
    const data = Buffer.alloc(1_000_003, 0);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    const parts: Uint8Array[] = [];
    const blob = new Blob([data.subarray(0, 10), data.subarray(10, 700_000), data.subarray(700_000)]);
    for await (const chunk of toChunks(blob)) parts.push(Buffer.from(chunk));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["a string", "text"],
    ["a number", 42],
    ["an object", { bytes: 1 }],
  ])("rejects a web stream yielding %s with TypeError and cancels it", async (_, bad) => {
    const { stream, cancelled } = webStream([Buffer.from("ok"), bad, Buffer.from("never")]);
    await expect(collectBytes(stream)).rejects.toThrow(TypeError);
    await expect(collectBytes(webStream([bad]).stream)).rejects.toThrow(/must yield Uint8Array chunks/);
    expect(cancelled()).toHaveLength(1);
    expect(cancelled()[0]).toBeInstanceOf(TypeError);
  });

  it("cancels the web stream when the consumer stops early, and releases its lock", async () => {
    const { stream, cancelled } = webStream([Buffer.from("a"), Buffer.from("b"), Buffer.from("c")]);
    for await (const chunk of toChunks(stream)) {
      expect(Buffer.from(chunk).toString()).toBe("a");
      break;
    }
    expect(cancelled()).toEqual([undefined]);
    expect(stream.locked).toBe(false);
  });

  it("passes on the error of a web stream that fails", async () => {
    const failure = new Error("source broke");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from("partial"));
        controller.error(failure);
      },
    });
    await expect(collectBytes(stream)).rejects.toBe(failure);
  });

  it("is write content, and toReadable turns it into a byte Readable", async () => {
    expect(isWriteContent(new Blob(["x"]))).toBe(true);
    expect(isWriteContent(webStream([]).stream)).toBe(true);
    expect(isWriteContent({ getReader: 1, cancel: 1 })).toBe(false);
    const readable = toReadable(new Blob(["blob bytes"]));
    expect(readable).toBeInstanceOf(Readable);
    expect((await collectBytes(readable)).toString()).toBe("blob bytes");
  });

  it("assertWriteContent accepts every form and names them all when it rejects", () => {
    for (const ok of ["", new Uint8Array(1), Readable.from([]), [], new Blob([]), webStream([]).stream]) {
      expect(() => assertWriteContent(ok)).not.toThrow();
    }
    for (const bad of [42, null, undefined, {}, new ArrayBuffer(1)]) {
      expect(() => assertWriteContent(bad)).toThrow(TypeError);
    }
    expect(() => assertWriteContent(1)).toThrow(/web ReadableStream or a Blob/);
  });
});
