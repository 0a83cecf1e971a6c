import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { FileStat } from "@stowage/core";
import { MTIME_METADATA_KEY, parseMtime } from "./mtime-metadata.js";
import type { ObjectSpace } from "./object-space.js";
import { isMissingObject, toStowageError } from "./s3-errors.js";
import { comparableEtag } from "./s3-etag.js";

/**
 * The HeadObject of storage key `path`, or `undefined` when the object is missing. HeadObject
 * answers a missing bucket with the same bare 404, so a missing object costs one HeadBucket the
 * first time (see `BucketCheck`): a missing bucket rejects with `StorageUnavailableError`. Other
 * failures reject with the stowage error of a `stat`.
 */
export async function headObject(space: ObjectSpace, path: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await space.client.send(new HeadObjectCommand({ Bucket: space.keys.bucket, Key: space.keys.objectKey(path) }));
  } catch (error) {
    if (!isMissingObject(error)) throw toStowageError(error, "stat", space.keys.bucket, path);
  }
  await space.bucketCheck.assertExists("stat");
  return undefined;
}

/**
 * A FileStat from a HeadObject: the `mtime` metadata when it parses (kept to the millisecond),
 * else LastModified (whole seconds, `mtimePrecision: 1000`); the ETag unless it is a multipart
 * one, which depends on the part size (see README).
 */
export function statOf(path: string, head: HeadObjectCommandOutput): FileStat {
  const preserved = parseMtime(head.Metadata?.[MTIME_METADATA_KEY]);
  const etag = comparableEtag(head.ETag);
  return {
    path,
    size: head.ContentLength ?? 0,
    ...(preserved === undefined ? { mtime: head.LastModified ?? new Date(0), mtimePrecision: 1000 } : { mtime: preserved }),
    ...(etag === undefined ? {} : { etag }),
  };
}
