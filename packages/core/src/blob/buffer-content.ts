import { ContentTooLargeError } from "../errors.js";
import { toChunks, type WriteContent } from "./content.js";

/**
 * A default cap for {@link bufferContent}: 64 MiB. Bridges that buffer writes take it as the
 * default of their `maxBufferBytes` option.
 */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Reads a write's whole content into one Buffer, for a backend that can only store a value whole
 * (no streaming upload, or none that keeps the old content when the source fails half-way).
 * Stops reading, and rejects with `ContentTooLargeError` (`E_TOO_LARGE`), as soon as more than
 * `maxBytes` bytes arrive, so memory never holds more than the cap plus one chunk. A failing source
 * rejects with its own error. Either way the caller has written nothing yet.
 *
 * @param path - the key being written, named in the error
 * @param maxBytes - the cap, in bytes
 */
export async function bufferContent(path: string, content: WriteContent, maxBytes: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of toChunks(content)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ContentTooLargeError(path, maxBytes);
    // Copied: a producer may reuse its buffer once it is asked for the next chunk.
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts, size);
}
