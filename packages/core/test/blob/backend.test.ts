import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  BlobBackend,
  isStowageError,
  SnapshotIOError,
  type BackendContent,
  type BlobOperation,
  type FileStat,
} from "../../src/index.js";

/** A backend whose primitives record their calls and fail as told: the base's own rules under test. */
class Recording extends BlobBackend {
  readonly calls: string[] = [];
  readonly classified: Array<[BlobOperation, string]> = [];
  fail: unknown;

  protected async readFile(key: string): Promise<AsyncIterable<Uint8Array>> {
    this.#call(`read ${key}`);
    return [Buffer.from("x")] as unknown as AsyncIterable<Uint8Array>;
  }
  protected async writeFile(key: string, content: BackendContent): Promise<void> {
    this.#call(`write ${key}`);
    if (content.chunks !== undefined) for await (const _chunk of content.chunks);
  }
  protected async statFile(key: string): Promise<FileStat | undefined> {
    this.#call(`stat ${key}`);
    return undefined;
  }
  protected async deleteFile(key: string): Promise<void> {
    this.#call(`delete ${key}`);
  }
  protected async moveFile(src: string, dst: string): Promise<void> {
    this.#call(`move ${src} ${dst}`);
  }
  protected async *listFiles(folder: string): AsyncGenerator<FileStat, void, undefined> {
    this.#call(`list ${folder}`);
    yield* [];
  }
  protected override classify(error: unknown, operation: BlobOperation, key: string): unknown {
    this.classified.push([operation, key]);
    return new SnapshotIOError(`classified ${operation}`, key, { cause: error });
  }
  #call(what: string): void {
    this.calls.push(what);
    if (this.fail !== undefined) throw this.fail;
  }
}

describe("BlobBackend: the rules written once", () => {
  it("checks keys, content, mtime and signals before any primitive runs", async () => {
    const backend = new Recording();
    await expect(backend.write("../x", "a")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
    await expect(backend.write("a", 42 as never)).rejects.toThrow(TypeError);
    await expect(backend.write("a", "a", { mtime: new Date(Number.NaN) })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    await expect(backend.write("a", "a", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "E_ABORTED" });
    await expect(backend.read("a//b")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
    await expect(backend.list("/abs")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
    await expect(backend.stat("missing")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    expect(backend.calls).toEqual(["stat missing"]);
  });

  it("maps what a primitive throws through classify once, and lets stowage errors through", async () => {
    const backend = new Recording();
    backend.fail = new Error("socket reset");
    const error = await backend.delete("k").catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_IO")).toBe(true);
    expect(backend.classified).toEqual([["delete", "k"]]);
    backend.fail = new SnapshotIOError("already typed", "k");
    await expect(backend.write("k", "v")).rejects.toBe(backend.fail);
    expect(backend.classified).toHaveLength(1);
  });

  it("holds an early error of a Readable source, rejects the write and destroys the source", async () => {
    const backend = new Recording();
    backend.fail = new Error("backend down");
    const source = new Readable({ read() {} });
    const writing = backend.write("k", source);
    source.emit("error", new Error("source failed early"));
    await expect(writing).rejects.toMatchObject({ code: "E_IO" });
    expect(source.destroyed).toBe(true);
  });
});
