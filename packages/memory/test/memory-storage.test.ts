import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { InvalidOptionsError, collectBytes, isAdvancedSnapshotStorage } from "@stowage/core";
import { MemoryStorage } from "../src/index.js";

describe("MemoryStorage", () => {
  it("rejects a chunkSize that is not a positive integer with InvalidOptionsError", () => {
    expect(() => new MemoryStorage({ chunkSize: 0 })).toThrow(InvalidOptionsError);
    expect(() => new MemoryStorage({ chunkSize: 1.5 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "chunkSize", value: 1.5 }));
  });

  it("is an advanced storage that round-trips a file", async () => {
    const storage = new MemoryStorage();
    expect(isAdvancedSnapshotStorage(storage)).toBe(true);
    await storage.write("a/b.txt", "hello");
    expect((await collectBytes(await storage.read("a/b.txt"))).toString()).toBe("hello");
    expect(await storage.list("")).toEqual(["a/"]);
  });
});

describe("MemoryStorage.read streams", () => {
  const data = Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251));

  it("give the same chunks through for await, 'data' events and pipeline", async () => {
    const storage = new MemoryStorage({ chunkSize: 1000 });
    await storage.write("f", data);
    const viaLoop: number[] = [];
    for await (const chunk of await storage.read("f")) viaLoop.push((chunk as Buffer).byteLength);
    const viaEvents: Buffer[] = [];
    const stream = await storage.read("f");
    await new Promise<void>((resolve, reject) => {
      stream.on("data", (chunk: Buffer) => viaEvents.push(chunk));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    const piped: Buffer[] = [];
    await pipeline(await storage.read("f"), new Writable({ write: (chunk: Buffer, _encoding, done) => (piped.push(chunk), done()) }));
    expect(viaLoop).toEqual([1000, 1000, 500]);
    expect(viaEvents.map((chunk) => chunk.byteLength)).toEqual([1000, 1000, 500]);
    expect(Buffer.concat(viaEvents)).toEqual(data);
    expect(Buffer.concat(piped)).toEqual(data);
  });

  it("hand out copies, and a loop left early destroys its stream", async () => {
    const storage = new MemoryStorage({ chunkSize: 1000 });
    await storage.write("f", data);
    const stream = await storage.read("f");
    for await (const chunk of stream) {
      (chunk as Buffer).fill(0);
      break;
    }
    expect(stream.destroyed).toBe(true);
    expect(await collectBytes(await storage.read("f"))).toEqual(data);
  });
});
