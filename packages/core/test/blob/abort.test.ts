import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { abortableChunks, abortableReadable, collectBytes, isStowageError } from "../../src/index.js";

async function failureOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("abortableChunks", () => {
  it("passes every chunk through when the signal never aborts", async () => {
    const controller = new AbortController();
    const bytes = await collectBytes(abortableChunks(["ab", "cd"].map((s) => Buffer.from(s)), controller.signal, "w"));
    expect(bytes.toString()).toBe("abcd");
  });

  it("throws AbortError with the reason as cause on an already-aborted signal, without touching the source", async () => {
    let pulled = false;
    const source = (function* () {
      pulled = true;
      yield Buffer.from("x");
    })();
    const reason = new Error("stop");
    const error = await failureOf(() => collectBytes(abortableChunks(source, AbortSignal.abort(reason), "the write")));
    expect(isStowageError(error, "E_ABORTED")).toBe(true);
    expect((error as Error).cause).toBe(reason);
    expect((error as Error).message).toBe("the write was aborted");
    expect(pulled).toBe(false);
  });

  it("cuts a source that stalls forever, and destroys a Readable source with the AbortError", async () => {
    const controller = new AbortController();
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from("first"));
    const chunks = abortableChunks(stream, controller.signal, "w");
    expect(Buffer.from((await chunks.next()).value as Uint8Array).toString()).toBe("first");
    const pending = chunks.next();
    controller.abort("user");
    const error = await failureOf(() => pending);
    expect(isStowageError(error, "E_ABORTED")).toBe(true);
    expect((error as Error).cause).toBe("user");
    expect(stream.destroyed).toBe(true);
    expect(stream.errored).toBe(error);
  });

  it("throws when the abort comes after the last chunk but before the end is seen", async () => {
    const controller = new AbortController();
    const chunks = abortableChunks([Buffer.from("only")], controller.signal, "w");
    await chunks.next();
    controller.abort();
    expect(isStowageError(await failureOf(() => chunks.next()), "E_ABORTED")).toBe(true);
  });

  it("asks an iterator source to return when the consumer stops early", async () => {
    let returned = false;
    const source = (async function* () {
      try {
        yield Buffer.from("a");
        yield Buffer.from("b");
      } finally {
        returned = true;
      }
    })();
    for await (const chunk of abortableChunks(source, new AbortController().signal, "w")) {
      expect(chunk.byteLength).toBe(1);
      break;
    }
    expect(returned).toBe(true);
  });
});

describe("abortableReadable", () => {
  it("destroys the stream with AbortError on abort, and at once for an aborted signal", async () => {
    const controller = new AbortController();
    const stream = abortableReadable(new Readable({ read() {} }), controller.signal, "the read of 'k'");
    stream.on("error", () => undefined);
    controller.abort("bye");
    expect(stream.destroyed).toBe(true);
    expect(isStowageError(stream.errored, "E_ABORTED")).toBe(true);
    expect((stream.errored as Error).cause).toBe("bye");
    const early = abortableReadable(Readable.from(["x"]), AbortSignal.abort(), "r");
    early.on("error", () => undefined);
    expect(isStowageError(early.errored, "E_ABORTED")).toBe(true);
  });

  it("leaves a stream that ended alone, and lets go of the signal once it closes", async () => {
    const controller = new AbortController();
    const stream = abortableReadable(Readable.from([Buffer.from("done")]), controller.signal, "r");
    expect((await collectBytes(stream)).toString()).toBe("done");
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(stream.errored).toBeNull();
  });
});
