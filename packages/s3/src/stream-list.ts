import type { S3Client } from "@aws-sdk/client-s3";
import { SnapshotIOError, compareKeys, type FileStat, type StreamListOptions } from "@stowage/core";
import type { LeanTransport } from "./lean-transport.js";
import { listObjectsAhead } from "./list-ahead.js";
import { addressableKey, type KeySpace } from "./s3-keys.js";
import { comparableEtag, contentMd5 } from "./s3-etag.js";

/** What {@link streamFileStats} lists. */
export interface StreamListRequest {
  client: S3Client;
  keys: KeySpace;
  /** The storage folder, normalized (`""` is the root). */
  folder: string;
  /** Keys per ListObjectsV2 page. */
  maxKeys: number;
  /** The lean transport, when the storage uses it. */
  lean?: LeanTransport | undefined;
}

/**
 * `S3Storage.streamList`: every file under a folder, any depth, from ListObjectsV2 pages without a
 * delimiter, in {@link compareKeys} order. S3 lists in UTF-8 byte order, which is code point order,
 * so no sorting is needed and memory stays at two pages (see {@link listObjectsAhead}).
 *
 * - Each entry carries the listing's LastModified as a stand-in `mtime` (`mtimePrecision: 1000`,
 *   `needsStat: true`: the preserved time is metadata only HeadObject returns), and the ETag when
 *   it is a plain MD5 (see {@link comparableEtag}).
 * - A key repeated across a page boundary is yielded once (only the last key is remembered). A key
 *   that sorts before the previous one means the server does not list in byte order, which a
 *   merge cannot survive: the iteration rejects with `SnapshotIOError` (`E_IO`).
 * - Folder markers (`photos/`, empty, made by other S3 tools) are passed over silently; other
 *   objects whose names are not stowage keys (`a//b`, `a/../b`) go to `onSkip` as `invalid-name`.
 */
export async function* streamFileStats(
  request: StreamListRequest,
  options: StreamListOptions = {},
): AsyncGenerator<FileStat, void, undefined> {
  const { client, keys, folder, maxKeys, lean } = request;
  let previous: string | undefined;
  for await (const object of listObjectsAhead(client, keys.bucket, keys.listPrefix(folder), maxKeys, lean)) {
    const objectKey = object.Key;
    if (objectKey === undefined) continue;
    if (previous !== undefined) {
      const order = compareKeys(previous, objectKey);
      if (order === 0) continue;
      if (order > 0) {
        throw new SnapshotIOError(
          `S3 listed '${objectKey}' after '${previous}' in bucket '${keys.bucket}': the server does not list in UTF-8 byte order`,
          folder,
        );
      }
    }
    previous = objectKey;
    const path = addressableKey(keys, objectKey);
    if (path === undefined) {
      if (!(objectKey.endsWith("/") && (object.Size ?? 0) === 0)) {
        options.onSkip?.({ path: keys.storageKey(objectKey) ?? objectKey, reason: "invalid-name" });
      }
      continue;
    }
    const etag = comparableEtag(object.ETag);
    const md5 = contentMd5(object.ETag, undefined);
    yield {
      path,
      size: object.Size ?? 0,
      mtime: object.LastModified ?? new Date(0),
      mtimePrecision: 1000,
      needsStat: true,
      ...(etag === undefined ? {} : { etag }),
      ...(md5 === undefined ? {} : { md5 }),
    };
  }
}
