import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { HttpResponse } from "@smithy/types";
import { dateFromNs, type FileStat } from "@stowage/core";
import { HeadObjectCommand } from "./sdk.js";
import { discardBody } from "./lean-transport.js";
import { MD5_METADATA_KEY, MTIME_METADATA_KEY, MTIME_METADATA_PRECISION, parseMtime } from "./mtime-metadata.js";
import type { ObjectSpace } from "./object-space.js";
import { isMissingObject, toStowageError } from "./s3-errors.js";
import { comparableEtag, contentMd5 } from "./s3-etag.js";

/** The fields of a HeadObject (or GetObject) answer that stowage reads. */
export type ObjectHead = Pick<HeadObjectCommandOutput, "ContentLength" | "ETag" | "LastModified" | "Metadata" | "ContentType">;

/**
 * The HeadObject of storage key `path`, or `undefined` when the object is missing. HeadObject
 * answers a missing bucket with the same bare 404, so a missing object costs one HeadBucket the
 * first time (see `BucketCheck`): a missing bucket rejects with `StorageUnavailableError`. Other
 * failures reject with the stowage error of a `stat`. Sent through the lean transport when the
 * storage has one.
 */
export async function headObject(space: ObjectSpace, path: string): Promise<ObjectHead | undefined> {
  try {
    const key = space.keys.objectKey(path);
    const { lean } = space;
    if (lean !== undefined && (await lean.ready())) {
      const response = await lean.send({ method: "HEAD", key });
      discardBody(response);
      return headOf(response);
    }
    return await space.client.send(new HeadObjectCommand({ Bucket: space.keys.bucket, Key: key }));
  } catch (error) {
    if (!isMissingObject(error)) throw toStowageError(error, "stat", space.keys.bucket, path);
  }
  await space.bucketCheck.assertExists("stat");
  return undefined;
}

/** The head fields of a raw HeadObject or GetObject response, as the SDK would deserialize them. */
export function headOf(response: HttpResponse): ObjectHead {
  const headers = response.headers;
  const metadata: Record<string, string> = {};
  // A for-in and a char test: this runs once per object of a no-op, and entries() allocates.
  for (const name in headers) {
    if (name.length > 11 && name.charCodeAt(0) === 120 && name.startsWith("x-amz-meta-")) metadata[name.slice(11)] = headers[name] as string;
  }
  const length = headers["content-length"];
  const modified = headers["last-modified"];
  const head: ObjectHead = { Metadata: metadata };
  if (length !== undefined) head.ContentLength = Number(length);
  if (headers.etag !== undefined) head.ETag = headers.etag;
  if (headers["content-type"] !== undefined) head.ContentType = headers["content-type"];
  if (modified !== undefined) {
    // Parsed when read: an HTTP date costs microseconds, and stowage's own objects carry their mtime.
    Object.defineProperty(head, "LastModified", { enumerable: true, configurable: true, get: () => new Date(modified) });
  }
  return head;
}

/**
 * A FileStat from a HeadObject: the `mtime` metadata when it parses (to the nanosecond, as
 * `mtimeNs`, `mtimePrecision: 0.000001`), else LastModified (whole seconds, `mtimePrecision:
 * 1000`); the content type; the content MD5 when the ETag or rclone's `Md5chksum` proves it; the ETag unless it is a multipart one, which depends on the part size
 * (see README).
 */
export function statOf(path: string, head: ObjectHead): FileStat {
  const preserved = parseMtime(head.Metadata?.[MTIME_METADATA_KEY]);
  const etag = comparableEtag(head.ETag);
  const md5 = contentMd5(head.ETag, head.Metadata?.[MD5_METADATA_KEY]);
  return {
    path,
    size: head.ContentLength ?? 0,
    ...(preserved === undefined
      ? { mtime: head.LastModified ?? new Date(0), mtimePrecision: 1000 }
      : { mtime: dateFromNs(preserved), mtimeNs: preserved, mtimePrecision: MTIME_METADATA_PRECISION }),
    ...(etag === undefined ? {} : { etag }),
    ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
    ...(md5 === undefined ? {} : { md5 }),
  };
}
