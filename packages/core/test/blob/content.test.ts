import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { collectBytes, isWriteContent, toChunks, toReadable, type WriteContent } from "../../src/index.js";

async function collect(content: WriteContent): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of toChunks(content)) chunks.push(chunk);
  return chunks;
}

describe("toChunks", () => {
  it.each<[string, () => WriteContent]>([
    ["a string (UTF-8)", () => "hé🎉"],
    ["a Uint8Array", () => new Uint8Array(Buffer.from("hé🎉"))],
    ["a Buffer", () => Buffer.from("hé🎉")],
    ["a byte Readable", () => Readable.from([Buffer.from("h"), Buffer.from("é🎉")])],
    ["a Readable of strings", () => Readable.from(["h", "é", "🎉"])],
    ["an async iterable", () => (async function* () { yield Buffer.from("hé"); yield Buffer.from("🎉"); })()],
    ["a sync iterable", () => [Buffer.from("hé"), Buffer.from("🎉")]],
    ["a generator", () => (function* () { yield Buffer.from("hé🎉"); })()],
  ])("turns %s into bytes", async (_, make) => {
    expect(Buffer.concat(await collect(make()))).toEqual(Buffer.from("hé🎉"));
  });

  it("passes Uint8Array input through without copying", async () => {
    const input = Buffer.from("abc");
    expect((await collect(input))[0]).toBe(input);
  });

  it("drops empty chunks and yields nothing for empty content", async () => {
    expect(await collect("")).toEqual([]);
    expect(await collect(new Uint8Array(0))).toEqual([]);
    expect(await collect([new Uint8Array(0), Buffer.from("x"), new Uint8Array(0)])).toEqual([Buffer.from("x")]);
    expect(await collect(Readable.from(["", "x"]))).toEqual([Buffer.from("x")]);
  });

  it.each<[string, unknown]>([
    ["numbers", [1, 2, 3]],
    ["objects", [{}]],
    ["null", [Buffer.from("ok"), null]],
    ["an ArrayBuffer", [new ArrayBuffer(4)]],
  ])("rejects chunks that are %s with TypeError", async (_, content) => {
    await expect(collect(content as WriteContent)).rejects.toThrow(TypeError);
  });

  it("rejects content that is not iterable with TypeError", async () => {
    await expect(collect(42 as unknown as WriteContent)).rejects.toThrow(TypeError);
  });
});

describe("toReadable, collectBytes and isWriteContent", () => {
  it("returns a Readable as is and wraps everything else", async () => {
    const stream = Readable.from([Buffer.from("x")]);
    expect(toReadable(stream)).toBe(stream);
    const wrapped = toReadable(["a", "b"] as unknown as WriteContent);
    expect(wrapped).toBeInstanceOf(Readable);
    expect((await collectBytes(wrapped)).toString()).toBe("ab");
  });

  it("recognises write content", () => {
    for (const content of ["", new Uint8Array(1), [], Readable.from([]), (async function* () {})()]) {
      expect(isWriteContent(content)).toBe(true);
    }
    for (const other of [null, undefined, 42, {}, new ArrayBuffer(1)]) expect(isWriteContent(other)).toBe(false);
  });
});
