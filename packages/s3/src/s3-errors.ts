import {
  redactError,
  redactText,
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

/** Fields of S3 error replies that echo the signed request, session token included (SignatureDoesNotMatch). */
const SIGNED_REQUEST_FIELDS = ["CanonicalRequest", "CanonicalRequestBytes", "StringToSign", "StringToSignBytes", "SignatureProvided"];
/** Environment variables of the AWS SDK's credential chain that hold secrets. */
const SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;

function envSecrets(): string[] {
  return SECRET_ENV.map((name) => process.env[name]).filter((value): value is string => typeof value === "string" && value !== "");
}

/**
 * A copy of an SDK error safe to print (core's `redactError`): the fields that echo the signed
 * request (`CanonicalRequest`, `StringToSign`, ...) replaced by `***`, the secret key and session
 * token of the environment's credentials replaced wherever they appear, URL user info masked, and
 * the raw HTTP response summarised.
 */
export function redactSdkError<T>(error: T): T {
  return redactError(error, envSecrets(), { fields: SIGNED_REQUEST_FIELDS });
}

/**
 * Turns an SDK (or socket) error into a stowage error, keeping a redacted copy of the original
 * (see {@link redactSdkError}) as `cause`:
 * a missing object becomes `SnapshotNotFoundError`; a missing bucket, a network failure or a
 * server error (5xx, after the SDK's retries) `StorageUnavailableError`; everything else,
 * denied access included, `SnapshotIOError`. Stowage errors pass through unchanged.
 */
export function toStowageError(error: unknown, operation: string, bucket: string, path?: string): StowageError {
  if (isStowageError(error)) return error;
  const { name, status, code } = shape(error);
  const cause = redactSdkError(error);
  const where = path === undefined ? `bucket '${bucket}'` : `'${path}' in bucket '${bucket}'`;
  if (path !== undefined && isMissingObject(error)) return new SnapshotNotFoundError(path, { cause });
  if (name === "NoSuchBucket") {
    return new StorageUnavailableError(`S3 ${operation} failed: bucket '${bucket}' does not exist`, { cause });
  }
  if (DENIED.has(name) || status === 403) {
    return new SnapshotIOError(`S3 ${operation} of ${where} was denied (${name || "403"})`, path, { cause });
  }
  if (NETWORK_CODES.has(code) || NETWORK_NAMES.has(name) || (status !== undefined && status >= 500)) {
    return new StorageUnavailableError(`S3 ${operation} of ${where} failed: ${code || name || status}`, { cause });
  }
  return new SnapshotIOError(`S3 ${operation} of ${where} failed: ${redactText(messageOf(error), envSecrets())}`, path, { cause });
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
