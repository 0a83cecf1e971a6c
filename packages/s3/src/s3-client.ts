import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidOptionsError } from "@stowage/core";

/**
 * How a stowage S3 backend gets its client: share an existing `client` (the caller keeps
 * ownership), or give a `clientConfig` to build one the backend owns and destroys on `close()`.
 * Retries are the SDK's: set `maxAttempts`, `retryMode` or `retryStrategy` in either.
 */
export type S3ClientChoice =
  | {
      /** The client to use; `close()` leaves it open. */
      client: S3Client;
      clientConfig?: never;
    }
  | {
      /** The configuration of a client this backend creates, and destroys on `close()`. */
      clientConfig?: S3ClientConfig;
      client?: never;
    };

/** The client of a backend, and whether the backend owns (and so must destroy) it. */
export function resolveClient(choice: S3ClientChoice): { client: S3Client; owned: boolean } {
  if (choice.client !== undefined) return { client: choice.client, owned: false };
  return { client: new S3Client(choice.clientConfig ?? {}), owned: true };
}

/** Checks the `bucket` option every backend needs. */
export function checkBucket(owner: string, bucket: unknown): string {
  if (typeof bucket !== "string" || bucket === "") throw new InvalidOptionsError("bucket", bucket, "must be a non-empty bucket name", owner);
  return bucket;
}
