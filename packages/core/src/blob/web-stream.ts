import type { Readable } from "node:stream";
import type { SnapshotStorage } from "./storage.js";

/**
 * Wraps a Node `Readable` of bytes (what {@link SnapshotStorage.read} resolves to) as a WHATWG
 * `ReadableStream<Uint8Array>`, for `new Response(stream)`, `fetch(url, { body: stream, duplex: "half" })`
 * and other web-stream code.
 *
 * - Pull-based: a chunk is read from `readable` only when the web stream's consumer asks for one
 *   (plus one chunk of read-ahead), so memory stays bounded whatever the file's size.
 * - Cancelling the web stream (`stream.cancel()`, `reader.cancel()`, an aborted `pipeTo`, a
 *   `Response` body that is dropped) destroys `readable`, which closes the backend's file handle or
 *   releases its connection. Nothing is read after the cancel.
 * - An error of `readable` (for example a stowage `E_IO` or `E_UNAVAILABLE` error) errors the web
 *   stream with the same error object, so `isStowageError(err, code)` still recognises it.
 *
 * Built by hand rather than on Node's `Readable.toWeb`, whose adapter in Node 20 can throw an
 * uncaught `ERR_INVALID_STATE` ("Controller is already closed") when the web stream is cancelled
 * while the Node stream still delivers data (nodejs/node#54205, nodejs/node#64529).
 *
 * @param readable - a byte-mode Readable; string chunks (from a Readable with an encoding) are encoded as UTF-8
 * @returns a web stream that yields the same bytes in the same chunks
 */
export function toWebStream(readable: Readable): ReadableStream<Uint8Array> {
  const chunks = readable[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next().catch((error: unknown) => {
        if (cancelled) return { done: true, value: undefined } as const;
        throw error;
      });
      if (cancelled) return;
      if (next.done === true) {
        controller.close();
        return;
      }
      const chunk = next.value;
      if (chunk instanceof Uint8Array) controller.enqueue(chunk);
      else if (typeof chunk === "string") controller.enqueue(Buffer.from(chunk, "utf8"));
      else throw new TypeError(`toWebStream needs a byte-mode Readable, got a chunk of type ${typeof chunk}`);
    },
    cancel() {
      cancelled = true;
      readable.destroy();
    },
  });
}

/**
 * Opens the file at `path` of any {@link SnapshotStorage} as a WHATWG `ReadableStream<Uint8Array>`:
 * `storage.read(path)` wrapped by {@link toWebStream}, so stowage drops into `fetch`/`Response`
 * code (`return new Response(await readWebStream(storage, key))`). Cancelling the web stream
 * destroys the underlying read and releases the backend's file handle or connection.
 *
 * @throws SnapshotNotFoundError (`E_NOT_FOUND`) when there is no file at `path`, and
 *   `InvalidPathError` (`E_INVALID_PATH`) for a bad key: both before the stream is returned, as
 *   `read` rejects them. Later failures error the returned stream.
 */
export async function readWebStream(storage: SnapshotStorage, path: string): Promise<ReadableStream<Uint8Array>> {
  return toWebStream(await storage.read(path));
}
