import type { S3Client } from "@aws-sdk/client-s3";
import { SnapshotIOError, type GarbageReport } from "@stowage/core";
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from "./sdk.js";

/** Where {@link abortStaleUploads} looks, and how. */
export interface StaleUploadScope {
  client: S3Client;
  bucket: string;
  /** The storage's root prefix, normalized (`""` for the whole bucket). */
  root: string;
  olderThanMs: number;
  dryRun: boolean;
  /** Runs one S3 call as the storage does (typed errors). */
  call<T>(operation: string, run: () => Promise<T>): Promise<T>;
}

/**
 * Aborts the incomplete multipart uploads under the storage's root that were started more than
 * `olderThanMs` ago (their `Initiated` time): uploads of a process killed mid-write, and the
 * first upload of a CreateMultipartUpload whose response was lost and which the SDK retried.
 * Their parts are billed until aborted. With `dryRun`, only counts them. Pages through
 * ListMultipartUploads (1000 per page); an upload that completes or is aborted meanwhile
 * (`NoSuchUpload`) counts as found, not removed.
 */
export async function abortStaleUploads(scope: StaleUploadScope): Promise<GarbageReport> {
  const { client, bucket, call } = scope;
  const prefix = scope.root === "" ? "" : `${scope.root}/`;
  const cutoff = Date.now() - scope.olderThanMs;
  let found = 0;
  let removed = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await call("list uploads", () =>
      client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker })),
    );
    for (const upload of page.Uploads ?? []) {
      const { Key: key, UploadId: uploadId, Initiated: initiated } = upload;
      if (key === undefined || uploadId === undefined || initiated === undefined || initiated.getTime() > cutoff) continue;
      found++;
      if (scope.dryRun) continue;
      const aborted = await call("abort upload", async () => {
        try {
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
          return true;
        } catch (error) {
          if ((error as { name?: unknown }).name === "NoSuchUpload") return false;
          throw error;
        }
      });
      if (aborted) removed++;
    }
    if (page.IsTruncated !== true) return { found, removed };
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    // Ending here would report a partial sweep as complete.
    if (keyMarker === undefined && uploadIdMarker === undefined) {
      throw new SnapshotIOError(`S3 listed the multipart uploads of bucket '${bucket}' in pages, and a truncated page has no next marker`, scope.root);
    }
  }
}
