import { mtimeNsOf, type FileStat } from "@stowage/core";
import { HeadObjectCommand } from "./sdk.js";
import { contentTypeOf } from "./content-type.js";
import { copyObject } from "./copy-object.js";
import type { ObjectSpace } from "./object-space.js";
import { toStowageError } from "./s3-errors.js";
import { KeySpace } from "./s3-keys.js";
import type { S3Location } from "./s3-location.js";
import type { S3StorageSettings } from "./s3-storage-options.js";

/** The copy settings of the target storage. */
export type CopySettings = Pick<S3StorageSettings, "multipartCopyThreshold" | "copyPartSize" | "queueSize" | "write">;

/**
 * Server-side copy of storage key `sourceKey` of `source` onto `targetKey` of `target`, carrying
 * `stat`'s time (to the ns) and content type. Above the multipart threshold the parts are copied with `If-Match` on the
 * source's full ETag (`sourceEtag`, as HeadObject returns it), so a source replaced mid-copy fails
 * the copy instead of mixing two versions; without it (a sync's stat leaves multipart ETags out),
 * one HeadObject fetches it, and the current size with it. Failures reject with the stowage error
 * of a `copy` of `targetKey`.
 */
export async function serverCopy(
  target: Pick<ObjectSpace, "client" | "keys">,
  settings: CopySettings,
  source: S3Location,
  sourceKey: string,
  targetKey: string,
  stat: FileStat,
  sourceEtag?: string,
): Promise<void> {
  const { client, keys } = target;
  const sourceKeys = new KeySpace(source.bucket, source.root);
  try {
    let size = stat.size;
    let etag = sourceEtag;
    if (size > settings.multipartCopyThreshold && etag === undefined) {
      const head = await client.send(new HeadObjectCommand({ Bucket: source.bucket, Key: sourceKeys.objectKey(sourceKey) }));
      size = head.ContentLength ?? size;
      etag = head.ETag;
    }
    await copyObject({
      client,
      bucket: keys.bucket,
      copySource: sourceKeys.copySource(sourceKey),
      key: keys.objectKey(targetKey),
      size,
      etag,
      mtimeNs: mtimeNsOf(stat),
      contentType: stat.contentType ?? contentTypeOf(targetKey),
      multipartThreshold: settings.multipartCopyThreshold,
      partSize: settings.copyPartSize,
      queueSize: settings.queueSize,
      write: settings.write,
    });
  } catch (error) {
    throw toStowageError(error, "copy", keys.bucket, targetKey);
  }
}
