import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidOptionsError, positiveInteger } from "@stowage/core";
import { S3RetryStrategy, type S3RetryOptions } from "./retry-strategy.js";

/**
 * How a stowage S3 backend gets its client: share an existing `client` (the caller keeps
 * ownership), or give a `clientConfig` to build one the backend owns and destroys on `close()`.
 * A client stowage builds retries with {@link S3RetryStrategy} (10 attempts, exponential backoff,
 * no retry budget to drain), tuned by `retry`; a `retryStrategy` or `retryMode` in `clientConfig`
 * (or, without `retry`, `AWS_RETRY_MODE` in the environment) hands retries back to the SDK. Your own `client` keeps
 * its own retries.
 */
export type S3ClientChoice =
  | {
      /** The client to use; `close()` leaves it open, and its own timeouts apply. */
      client: S3Client;
      clientConfig?: never;
      retry?: never;
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
      /**
       * How the client retries a failed request (see {@link S3RetryOptions}); not allowed beside
       * `clientConfig.retryStrategy` or `clientConfig.retryMode`.
       */
      retry?: S3RetryOptions;
    };

/** Deadlines of the clients stowage builds, in ms (the SDK's own default is to wait forever). */
export const DEFAULT_S3_TIMEOUTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 } as const;

/** The client of a backend, and whether the backend owns (and so must destroy) it. */
export function resolveClient(choice: S3ClientChoice, owner: string): { client: S3Client; owned: boolean } {
  if (choice.client !== undefined) return { client: choice.client, owned: false };
  const connectionTimeout = positiveInteger("connectTimeoutMs", choice.connectTimeoutMs ?? DEFAULT_S3_TIMEOUTS.connectTimeoutMs, owner);
  const requestTimeout = positiveInteger("requestTimeoutMs", choice.requestTimeoutMs ?? DEFAULT_S3_TIMEOUTS.requestTimeoutMs, owner);
  const retries = retryConfig(choice, owner);
  return { client: new S3Client({ requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true }, ...choice.clientConfig, ...retries }), owned: true };
}

/**
 * The retry settings of a client stowage builds: {@link S3RetryStrategy}, unless the caller chose
 * the SDK's own retries (`retryStrategy` or `retryMode` in `clientConfig`, or `AWS_RETRY_MODE`
 * without a `retry` option).
 * `maxAttempts` is passed beside it because the SDK reports it in each request's header.
 */
function retryConfig(choice: Exclude<S3ClientChoice, { client: S3Client }>, owner: string): Pick<S3ClientConfig, "retryStrategy" | "maxAttempts"> {
  const config = choice.clientConfig ?? {};
  const sdkRetries = config.retryStrategy !== undefined || config.retryMode !== undefined;
  if (sdkRetries && choice.retry !== undefined) {
    throw new InvalidOptionsError("retry", choice.retry, "cannot be combined with clientConfig.retryStrategy or clientConfig.retryMode", owner);
  }
  // The environment only picks the default; an explicit `retry` wins over it.
  if (sdkRetries || (choice.retry === undefined && (process.env.AWS_RETRY_MODE ?? "") !== "")) return {};
  const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
  const inherited = typeof config.maxAttempts === "number" ? config.maxAttempts : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
  const strategy = new S3RetryStrategy({ ...(inherited === undefined ? {} : { maxAttempts: inherited }), ...choice.retry }, owner);
  return { retryStrategy: strategy, maxAttempts: strategy.maxAttempts };
}

/** Checks the `bucket` option every backend needs. */
export function checkBucket(owner: string, bucket: unknown): string {
  if (typeof bucket !== "string" || bucket === "") throw new InvalidOptionsError("bucket", bucket, "must be a non-empty bucket name", owner);
  return bucket;
}
