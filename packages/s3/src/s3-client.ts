import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidOptionsError, positiveInteger } from "@stowage/core";
import { NodeHttpHandler, S3Client as SdkClient } from "./sdk.js";
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
      transport?: never;
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
      /**
       * How the per-object hot path (HeadObject, GetObject, single-part PutObject, ListObjectsV2
       * pages) is sent. `"lean"` (the default): built and signed here (SigV4 by `aws4`) and
       * handed straight to the client's request handler, skipping the SDK's middleware pipeline
       * (about a tenth of the CPU per request); everything else still goes through the SDK.
       * `"sdk"`: every request through the SDK. A `clientConfig.signer` (a custom signer) implies
       * `"sdk"`, and so does a `client` of your own.
       */
      transport?: S3Transport;
    };

/** How a backend sends its hot-path requests (see `S3ClientChoice.transport`). */
export type S3Transport = "lean" | "sdk";

/** Deadlines of the clients stowage builds, in ms (the SDK's own default is to wait forever). */
export const DEFAULT_S3_TIMEOUTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 } as const;

/** Sockets kept per host by the clients stowage builds: above any concurrency a sync or a multipart upload uses. */
const MAX_SOCKETS = 64;

/**
 * The client of a backend, whether the backend owns (and so must destroy) it, and whether the
 * lean transport applies (a client stowage built, `transport` not `"sdk"`, no custom signer).
 * A client stowage builds gets a request handler with real keep-alive `Agent` instances (an
 * options object would make the SDK open a fresh connection for every `Expect: 100-continue`
 * request, every PutObject or UploadPart of 2 MiB or more), `cacheMiddleware: true`, and checksums
 * only where required: writes carry `Content-MD5` on both transports instead.
 */
export function resolveClient(choice: S3ClientChoice, owner: string): { client: S3Client; owned: boolean; lean: boolean } {
  if (choice.client !== undefined) return { client: choice.client, owned: false, lean: false };
  const connectionTimeout = positiveInteger("connectTimeoutMs", choice.connectTimeoutMs ?? DEFAULT_S3_TIMEOUTS.connectTimeoutMs, owner);
  const requestTimeout = positiveInteger("requestTimeoutMs", choice.requestTimeoutMs ?? DEFAULT_S3_TIMEOUTS.requestTimeoutMs, owner);
  const transport = choice.transport ?? "lean";
  if (transport !== "lean" && transport !== "sdk") throw new InvalidOptionsError("transport", transport, 'must be "lean" or "sdk"', owner);
  const retries = retryConfig(choice, owner);
  const requestHandler = new NodeHttpHandler({
    connectionTimeout,
    requestTimeout,
    throwOnRequestTimeout: true,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  });
  const client = new SdkClient({
    requestHandler,
    cacheMiddleware: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...choice.clientConfig,
    ...retries,
  });
  return { client, owned: true, lean: transport === "lean" && choice.clientConfig?.signer === undefined };
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
