import type { CompletedPart, S3Client } from "@aws-sdk/client-s3";
import { mapLimit } from "@stowage/core";
import { CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCopyCommand } from "./sdk.js";
import { abortAndThrow } from "./abort-upload.js";
import { mtimeMetadata } from "./mtime-metadata.js";
import { sdkWriteFields, type S3WriteSettings } from "./write-settings.js";

/** A server-side copy on one endpoint, inside a bucket or across buckets. */
export interface CopyRequest {
  client: S3Client;
  /** Destination bucket. */
  bucket: string;
  /** The `CopySource` header (`<bucket>/<key>`), already encoded (see `KeySpace.copySource`). */
  copySource: string;
  /** Destination object key. */
  key: string;
  /** Size of the source object in bytes. */
  size: number;
  /** ETag of the source object: a multipart copy fails rather than mix two versions of it. */
  etag?: string;
  /** Above this size, copy part by part (S3's CopyObject stops at 5 GiB). */
  multipartThreshold: number;
  /** Bytes per UploadPartCopy. */
  partSize: number;
  /** Parts copying at once. */
  queueSize: number;
  /** Modification time the copy carries, in ns, as `mtime` metadata (the source's, for a sync or a move). */
  mtimeNs: bigint;
  /** The copy's `Content-Type` (the source's): a metadata-replacing copy would otherwise lose it. */
  contentType: string;
  /** Storage class and encryption of the copy (see `write-settings.ts`). */
  write: S3WriteSettings;
}

/**
 * Copies an object without moving its bytes through this process. The destination appears whole
 * or not at all: CopyObject is atomic, and a multipart copy only shows once completed (and is
 * aborted on any failure). The copy's metadata is replaced by `mtime` and its content type (CopyObject's
 * `MetadataDirective: REPLACE`; CreateMultipartUpload's `Metadata`), as rclone does, so that a
 * source without `mtime` metadata still yields a copy whose time matches the source's.
 */
export async function copyObject(request: CopyRequest): Promise<void> {
  const { client, bucket, key, copySource } = request;
  const metadata = mtimeMetadata(request.mtimeNs);
  const { contentType } = request;
  if (request.size <= request.multipartThreshold) {
    await client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: copySource, MetadataDirective: "REPLACE", Metadata: metadata, ContentType: contentType, ...sdkWriteFields(request.write) }),
    );
    return;
  }
  const { UploadId: uploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Metadata: metadata, ContentType: contentType, ...sdkWriteFields(request.write) }));
  if (uploadId === undefined) throw new Error("CreateMultipartUpload returned no UploadId");
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < request.size; start += request.partSize) {
    ranges.push([start, Math.min(start + request.partSize, request.size) - 1]);
  }
  try {
    const parts = await mapLimit(ranges, request.queueSize, async ([start, end], index): Promise<CompletedPart> => {
      const result = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: index + 1,
          CopySource: copySource,
          CopySourceRange: `bytes=${start}-${end}`,
          CopySourceIfMatch: request.etag,
        }),
      );
      return { PartNumber: index + 1, ETag: result.CopyPartResult?.ETag };
    });
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
  } catch (error) {
    await abortAndThrow(client, { bucket, key, uploadId }, error);
  }
}
