import type { S3Client } from "@aws-sdk/client-s3";
import { AbortMultipartUploadCommand } from "./sdk.js";

/** An upload failed and its multipart upload could not be aborted either: its parts remain. */
export class AbortFailure extends Error {
  constructor(
    /** The multipart upload left behind. */
    readonly uploadId: string,
    /** Why the upload failed. */
    readonly uploadError: unknown,
    /** Why the abort failed. */
    readonly abortError: unknown,
  ) {
    super(`multipart upload ${uploadId} could not be aborted: ${String(abortError)}`, { cause: uploadError });
  }
}

/**
 * Aborts a failed multipart upload so that no parts stay billed, then rethrows `failure`; when the
 * abort fails too, throws an {@link AbortFailure} naming the upload left behind.
 */
export async function abortAndThrow(
  client: S3Client,
  target: { bucket: string; key: string; uploadId: string },
  failure: unknown,
): Promise<never> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: target.uploadId }));
  } catch (abortError) {
    throw new AbortFailure(target.uploadId, failure, abortError);
  }
  throw failure;
}
