import {
  SnapshotIOError,
  SnapshotNotFoundError,
  StorageUnavailableError,
  StowageError,
  isStowageError,
} from "@stowage/core";

/** The fields of an SDK error that decide how it maps; every field may be missing. */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

// Socket-level failures: the request never got an S3 answer.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);
const NETWORK_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "AbortError"]);
const DENIED = new Set(["AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"]);

/** True when an SDK error says that the object (not the bucket) does not exist. */
export function isMissingObject(error: unknown): boolean {
  const { name } = shape(error);
  return name === "NoSuchKey" || name === "NotFound";
}

/**
 * Turns an SDK (or socket) error into a stowage error, keeping the original as `cause`:
 * a missing object becomes `SnapshotNotFoundError`; a missing bucket, a network failure or a
 * server error (5xx, after the SDK's retries) `StorageUnavailableError`; everything else,
 * denied access included, `SnapshotIOError`. Stowage errors pass through unchanged.
 */
export function toStowageError(error: unknown, operation: string, bucket: string, path?: string): StowageError {
  if (isStowageError(error)) return error;
  const { name, status, code } = shape(error);
  const where = path === undefined ? `bucket '${bucket}'` : `'${path}' in bucket '${bucket}'`;
  if (path !== undefined && isMissingObject(error)) return new SnapshotNotFoundError(path, { cause: error });
  if (name === "NoSuchBucket") {
    return new StorageUnavailableError(`S3 ${operation} failed: bucket '${bucket}' does not exist`, { cause: error });
  }
  if (DENIED.has(name) || status === 403) {
    return new SnapshotIOError(`S3 ${operation} of ${where} was denied (${name || "403"})`, path, { cause: error });
  }
  if (NETWORK_CODES.has(code) || NETWORK_NAMES.has(name) || (status !== undefined && status >= 500)) {
    return new StorageUnavailableError(`S3 ${operation} of ${where} failed: ${code || name || status}`, { cause: error });
  }
  return new SnapshotIOError(`S3 ${operation} of ${where} failed: ${messageOf(error)}`, path, { cause: error });
}

function shape(error: unknown): { name: string; status: number | undefined; code: string } {
  const value = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const text = (field: unknown): string => (typeof field === "string" ? field : "");
  return {
    name: text(value.name) || text(value.Code),
    status: value.$metadata?.httpStatusCode,
    code: text(value.code),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
