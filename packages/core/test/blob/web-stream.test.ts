import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { SnapshotNotFoundError, isStowageError, readWebStream, toWebStream } from "../../src/index.js";
import type { SnapshotStorage } from "../../src/index.js";

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("toWebStream", () => {
  it("yields the Readable's bytes, and works as a Response body", async () => {
    expect(await text(toWebStream(Readable.from([Buffer.from("hé"), Buffer.from("🎉")])))).toBe("hé🎉");
    expect(await text(toWebStream(Readable.from([])))).toBe("");
  });

  it("encodes string chunks as UTF-8", async () => {
    const readable = new PassThrough({ encoding: "utf8" });
    readable.end(Buffer.from("héllo"));
    expect(await text(toWebStream(readable))).toBe("héllo");
  });

  it("pulls on demand: an unread web stream reads at most one chunk ahead", async () => {
    let pulled = 0;
    const readable = new Readable({
      highWaterMark: 1,
      read() {
        pulled++;
        this.push(Buffer.alloc(1024));
      },
    });
    const stream = toWebStream(readable);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = pulled;
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    expect(pulled).toBeGreaterThan(before);
    expect(before).toBeLessThan(8);
    await reader.cancel();
  });

  it("cancelling destroys the Readable, even when it keeps delivering data", async () => {
    const readable = new PassThrough();
    const stream = toWebStream(readable);
    const reader = stream.getReader();
    readable.write(Buffer.from("first"));
    expect(Buffer.from((await reader.read()).value ?? []).toString()).toBe("first");
    const closed = once(readable, "close");
    await reader.cancel("no longer needed");
    await closed;
    expect(readable.destroyed).toBe(true);
    // Late data after the cancel must not reach the cancelled web stream (Node 20's
    // Readable.toWeb throws an uncaught ERR_INVALID_STATE here).
    expect(() => readable.emit("data", Buffer.from("late"))).not.toThrow();
  });

  it("cancelling while a read is pending ends it without an error", async () => {
    const readable = new PassThrough();
    const reader = toWebStream(readable).getReader();
    const pending = reader.read();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    expect(readable.destroyed).toBe(true);
  });

  it("errors the web stream with the Readable's own error", async () => {
    const failure = new SnapshotNotFoundError("gone");
    const readable = new Readable({ read() {} });
    readable.push(Buffer.from("partial"));
    setImmediate(() => readable.destroy(failure));
    const error = await text(toWebStream(readable)).catch((caught: unknown) => caught);
    expect(error).toBe(failure);
    expect(isStowageError(error, "E_NOT_FOUND")).toBe(true);
  });
});

describe("readWebStream", () => {
  const files = new Map([["a/file", Buffer.from("stored bytes")]]);
  const storage = {
    read: async (path: string) => {
      const data = files.get(path);
      if (data === undefined) throw new SnapshotNotFoundError(path);
      return Readable.from([data]);
    },
  } as Pick<SnapshotStorage, "read"> as SnapshotStorage;

  it("opens a stored file as a web stream", async () => {
    expect(await text(await readWebStream(storage, "a/file"))).toBe("stored bytes");
  });

  it("rejects a missing file before returning a stream", async () => {
    const error = await readWebStream(storage, "missing").catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_NOT_FOUND")).toBe(true);
  });
});
