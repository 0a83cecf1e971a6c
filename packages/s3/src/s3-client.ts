import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidOptionsError, positiveInteger } from "@stowage/core";

/**
 * How a stowage S3 backend gets its client: share an existing `client` (the caller keeps
 * ownership), or give a `clientConfig` to build one the backend owns and destroys on `close()`.
 * Retries are the SDK's: set `maxAttempts`, `retryMode` or `retryStrategy` in either.
 */
export type S3ClientChoice =
  | {
      /** The client to use; `close()` leaves it open, and its own timeouts apply. */
      client: S3Client;
      clientConfig?: never;
      connectTimeoutMs?: never;
      requestTimeoutMs?: never;
    }
  | {
      /**
       * The configuration of a client this backend creates, and destroys on `close()`. A
       * `requestHandler` in it replaces the deadlines below.
       */
      clientConfig?: S3ClientConfig;
      client?: never;
      /** Deadline of a TCP (and TLS) connection, in ms. Default 5 000. */
      connectTimeoutMs?: number;
      /**
       * How long a request may wait without receiving a byte, in ms: a server that accepts a
       * connection and never answers fails the call with `StorageUnavailableError` instead of
       * hanging it. An idle deadline, so a long transfer that keeps moving is never cut. Default 30 000.
       */
      requestTimeoutMs?: number;
    };

/** Deadlines of the clients stowage builds, in ms (the SDK's own default is to wait forever). */
export const DEFAULT_S3_TIMEOUTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 } as const;

/** The client of a backend, and whether the backend owns (and so must destroy) it. */
export function resolveClient(choice: S3ClientChoice, owner: string): { client: S3Client; owned: boolean } {
  if (choice.client !== undefined) return { client: choice.client, owned: false };
  const connectionTimeout = positiveInteger("connectTimeoutMs", choice.connectTimeoutMs ?? DEFAULT_S3_TIMEOUTS.connectTimeoutMs, owner);
  const requestTimeout = positiveInteger("requestTimeoutMs", choice.requestTimeoutMs ?? DEFAULT_S3_TIMEOUTS.requestTimeoutMs, owner);
  return { client: new S3Client({ requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true }, ...choice.clientConfig }), owned: true };
}

/** Checks the `bucket` option every backend needs. */
export function checkBucket(owner: string, bucket: unknown): string {
  if (typeof bucket !== "string" || bucket === "") throw new InvalidOptionsError("bucket", bucket, "must be a non-empty bucket name", owner);
  return bucket;
}
