import { createHash } from "node:crypto";
import type { CompletedPart, S3Client } from "@aws-sdk/client-s3";
import { abortErrorOf, SnapshotIOError } from "@stowage/core";
import { ChecksumAlgorithm, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from "./sdk.js";
import { abortAndThrow } from "./abort-upload.js";
import { completedAnyway, completionInDoubt } from "./confirm-complete.js";
import { discardBody, type LeanTransport } from "./lean-transport.js";
import { MD5_METADATA_KEY } from "./mtime-metadata.js";
import { sdkWriteFields, writeHeaders, type S3WriteSettings } from "./write-settings.js";
import { unquote } from "./s3-etag.js";
import { uploadParts } from "./upload-parts.js";

/** Where and how {@link uploadObject} writes. */
export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  /** Bytes per part (S3: at least 5 MiB except the last, at most 10 000 parts). */
  partSize: number;
  /** Parts uploading at once. */
  queueSize: number;
  /** User metadata of the new object (`mtime`, see `mtime-metadata.ts`). */
  metadata: Record<string, string>;
  /** The object's `Content-Type`. */
  contentType?: string | undefined;
  /** Storage class and encryption (see `write-settings.ts`). */
  write?: S3WriteSettings | undefined;
  /**
   * Cancels the upload: parts in flight are cut, the multipart upload is aborted, and the upload
   * rejects with `AbortError` naming `what`. Requests whose outcome an abort would leave in doubt
   * (PutObject, Create- and CompleteMultipartUpload) are not cut once sent.
   */
  signal?: AbortSignal | undefined;
  /** The operation, for the `AbortError`'s message. */
  what?: string;
  /** The lean transport, which sends a single-part PutObject when it serves the bucket. */
  lean?: LeanTransport | undefined;
}

/**
 * Writes a stream of unknown length to one object with memory bounded by
 * `(queueSize + 1) x partSize`: a body that fits in one part goes in a single PutObject, a longer
 * one through a multipart upload. With `size` (the source's size, when known) a body over one part
 * starts its multipart upload at the first part instead of reading a second one to find out; the
 * size only guides that choice, the bytes that flow are what is stored. The object appears only
 * when the upload completes, so a failure
 * at any point leaves the previous object (or its absence) untouched.
 *
 * On the first failure (a part rejected, or the source throwing) no more of the source is read,
 * parts in flight are cancelled and the multipart upload is aborted, so no orphan parts remain.
 * lib-storage's Upload, by contrast, keeps draining the source into new parts until it ends and only
 * then aborts, and replaces the original error when the abort fails.
 */
export async function uploadObject(target: UploadTarget, source: AsyncIterable<Uint8Array>, size?: number): Promise<void> {
  const parts = uploadParts(source, target.partSize);
  const first = await parts.next();
  if (first.done) return putObject(target, new Uint8Array(0));
  if (size !== undefined && size > target.partSize) return multipartUpload(target, [first.value], parts);
  const second = await parts.next();
  if (second.done) return putObject(target, first.value);
  await multipartUpload(target, [first.value, second.value], parts);
}

/**
 * One PutObject carrying `Content-MD5`, so S3 refuses a body damaged on the way (`BadDigest`), and
 * whose returned ETag is checked against that MD5 when it is one (SSE-KMS ETags are not): the
 * write is proven without a HeadObject after it. Through the lean transport when it serves the bucket.
 */
async function putObject({ client, bucket, key, metadata, lean, contentType, write = {} }: UploadTarget, body: Uint8Array): Promise<void> {
  const md5 = createHash("md5").update(body).digest();
  let etag: string | undefined;
  if (lean !== undefined && (await lean.ready())) {
    const headers: Record<string, string> = { "content-md5": md5.toString("base64") };
    if (contentType !== undefined) headers["content-type"] = contentType;
    Object.assign(headers, writeHeaders(write));
    for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name}`] = value;
    const response = await lean.send({ method: "PUT", key, headers, body });
    discardBody(response);
    etag = response.headers.etag;
  } else {
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.byteLength, ContentMD5: md5.toString("base64"), Metadata: metadata, ContentType: contentType, ...sdkWriteFields(write) });
    etag = (await client.send(command)).ETag;
  }
  const returned = unquote(etag ?? "");
  if (/^[0-9a-f]{32}$/i.test(returned) && returned.toLowerCase() !== md5.toString("hex")) {
    throw new SnapshotIOError(`S3 stored '${key}' in bucket '${bucket}' with ETag ${returned}, not the MD5 of the bytes sent (${md5.toString("hex")})`, key);
  }
}

async function multipartUpload(
  target: UploadTarget,
  firstParts: Uint8Array[],
  rest: AsyncGenerator<Uint8Array, void, undefined>,
): Promise<void> {
  const { client, bucket, key, queueSize, metadata, contentType, write = {} } = target;
  // With checksums on (the SDK default), each part carries a CRC32 that S3 only accepts when the
  // upload was created with the same algorithm.
  const checksum = (await client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED";
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      Metadata: metadata,
      ContentType: contentType,
      ...sdkWriteFields(write),
      ...(checksum ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
    }),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error("CreateMultipartUpload returned no UploadId");

  const cancel = new AbortController();
  const completed: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let size = 0;
  const { signal } = target;
  const onAbort = (): void => {
    if (signal !== undefined) failure ??= { error: abortErrorOf(signal, target.what ?? "the upload") };
    cancel.abort();
  };
  if (signal?.aborted === true) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  // A caller's MD5 (rclone's Md5chksum) is proved against the bytes before the upload completes.
  const declared = metadata[MD5_METADATA_KEY];
  const hash = declared === undefined ? undefined : createHash("md5");
  const startPart = (body: Uint8Array, partNumber: number): void => {
    size += body.byteLength;
    hash?.update(body);
    const upload = client
      .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }), {
        abortSignal: cancel.signal,
      })
      .then((result) => {
        if (result.ETag === undefined) throw new Error(`UploadPart ${partNumber} returned no ETag`);
        completed.push({ PartNumber: partNumber, ETag: result.ETag, ChecksumCRC32: result.ChecksumCRC32 });
      })
      .catch((error: unknown) => {
        failure ??= { error };
        cancel.abort();
      })
      .finally(() => inFlight.delete(upload));
    inFlight.add(upload);
  };

  try {
    let partNumber = 0;
    for (const part of firstParts) startPart(part, ++partNumber);
    while (failure === undefined) {
      while (inFlight.size >= queueSize && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const next = await rest.next();
      if (next.done) break;
      startPart(next.value, ++partNumber);
    }
  } catch (error) {
    failure ??= { error };
    cancel.abort();
  }
  await Promise.all(inFlight);
  signal?.removeEventListener("abort", onAbort);

  if (failure === undefined && hash !== undefined && hash.digest("base64") !== declared) {
    failure = { error: new SnapshotIOError(`S3 upload of '${key}' in bucket '${bucket}': the content's MD5 differs from the one given (Md5chksum ${declared})`, key) };
  }
  if (failure === undefined) {
    try {
      completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completed } }),
      );
      return;
    } catch (error) {
      // The response may have been lost after S3 completed the upload (the SDK's retry then gets
      // NoSuchUpload): the object tells.
      if (completionInDoubt(error) && (await completedAnyway({ client, bucket, key, parts: completed, size, metadata }))) return;
      failure = { error };
    }
  }
  // Stop the source too (closes a file, a socket...), then drop every uploaded part.
  await rest.return().catch(() => undefined);
  return abortAndThrow(client, { bucket, key, uploadId }, failure.error);
}
