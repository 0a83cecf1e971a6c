import { createHash } from "node:crypto";
import type { CompletedPart, S3Client } from "@aws-sdk/client-s3";
import { HeadObjectCommand } from "./sdk.js";
import { unquote } from "./s3-etag.js";

/** The upload whose completion is in doubt. */
export interface CompletionCheck {
  client: S3Client;
  bucket: string;
  key: string;
  /** The parts sent in CompleteMultipartUpload, in order, with the ETags UploadPart returned. */
  parts: readonly CompletedPart[];
  /** Total bytes of the parts. */
  size: number;
  /** The user metadata the upload was created with. */
  metadata: Readonly<Record<string, string>>;
}

/**
 * True when a failed CompleteMultipartUpload may have completed all the same: S3 answered
 * `NoSuchUpload` (an SDK retry after the first, successful, attempt's response was lost), or no
 * definite answer came (a network error, a timeout, a 5xx). Any other 4xx is a real refusal.
 */
export function completionInDoubt(error: unknown): boolean {
  const shape = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  if (shape.name === "NoSuchUpload") return true;
  const status = shape.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * The ETag S3 gives an object completed from `parts`: the MD5 of the parts' binary MD5s, a dash
 * and the number of parts. `undefined` when a part's ETag is not a plain MD5 (SSE-KMS, SSE-C),
 * where it cannot be predicted.
 */
export function multipartEtag(parts: readonly CompletedPart[]): string | undefined {
  const md5 = createHash("md5");
  for (const part of parts) {
    const hex = unquote(part.ETag ?? "");
    if (!/^[0-9a-f]{32}$/i.test(hex)) return undefined;
    md5.update(Buffer.from(hex, "hex"));
  }
  return `${md5.digest("hex")}-${parts.length}`;
}

/**
 * Whether the object at the key is the one the upload would have made: HeadObject, then size,
 * multipart ETag and this write's metadata (its `mtime`) must all match. A failed HeadObject, a
 * missing object or any difference means no (the original failure stands).
 */
export async function completedAnyway(check: CompletionCheck): Promise<boolean> {
  const expected = multipartEtag(check.parts);
  if (expected === undefined) return false;
  try {
    const head = await check.client.send(new HeadObjectCommand({ Bucket: check.bucket, Key: check.key }));
    if (head.ContentLength !== check.size || unquote(head.ETag ?? "") !== expected) return false;
    return Object.entries(check.metadata).every(([name, value]) => head.Metadata?.[name] === value);
  } catch {
    return false;
  }
}
