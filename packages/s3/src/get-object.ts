import { Readable } from "node:stream";
import { rechunkReadable, throwIfAborted, type FileStat } from "@stowage/core";
import { GetObjectCommand } from "./sdk.js";
import { headOf, statOf } from "./head-object.js";
import type { ObjectSpace } from "./object-space.js";
import { toStowageError } from "./s3-errors.js";
import { withTypedErrors } from "./typed-body.js";

type Reader = Pick<ObjectSpace, "client" | "keys" | "lean">;

/**
 * The GetObject body of storage key `path` as the SDK hands it over (in Node an
 * `http.IncomingMessage`: no whole-object buffering). An abort of `signal` cancels the request
 * with `AbortError`. Sent through the lean transport when the storage has one. `onStat` hears the
 * object's stat from the response headers (the `mtime` metadata, type and MD5, as HeadObject gives
 * them). Rejects with `SnapshotNotFoundError` for a missing object, and the stowage error of the
 * request's failure otherwise.
 */
async function getBody({ client, keys, lean }: Reader, path: string, signal: AbortSignal | undefined, onStat?: (stat: FileStat) => void): Promise<Readable> {
  let body: unknown;
  try {
    const key = keys.objectKey(path);
    if (lean !== undefined && (await lean.ready())) {
      const response = await lean.send({ method: "GET", key, signal });
      onStat?.(statOf(path, headOf(response)));
      body = response.body;
    } else {
      const output = await client.send(new GetObjectCommand({ Bucket: keys.bucket, Key: key }), { abortSignal: signal });
      onStat?.(statOf(path, output));
      body = output.Body;
    }
  } catch (error) {
    // The SDK's own abort error is not a stowage error.
    throwIfAborted(signal, `the read of '${path}'`);
    throw toStowageError(error, "read", keys.bucket, path);
  }
  return body instanceof Readable ? body : Readable.from([]);
}

/**
 * {@link getBody}, whose failures while it flows (a connection reset mid-body surfaces as a bare
 * `Error: aborted`) reach the reader as stowage errors of a `read`.
 */
export async function getObject(space: Reader, path: string, signal: AbortSignal | undefined, onStat?: (stat: FileStat) => void): Promise<Readable> {
  const body = await getBody(space, path, signal, onStat);
  return withTypedErrors(body, (error) => toStowageError(error, "read", space.keys.bucket, path));
}

/**
 * The object's bytes in chunks of exactly `size` bytes (the last one shorter), taken from the
 * body's own buffer (`rechunkReadable`: no async step per 16-64 KiB network chunk, and no extra
 * stream in between). Lazy: the GetObject is sent at the first pull; leaving the loop releases
 * the body and its connection. A failure mid-body is the body's own error (the caller maps it).
 */
export async function* objectChunks(space: Reader, path: string, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  yield* rechunkReadable(await getBody(space, path, undefined), size);
}
