import type { S3Client } from "@aws-sdk/client-s3";
import { StorageUnavailableError } from "@stowage/core";
import { HeadBucketCommand } from "./sdk.js";
import { redactSdkError, toStowageError } from "./s3-errors.js";

/**
 * Tells a missing bucket from a missing key. HeadObject answers both with a bare 404 (a HEAD
 * response has no body to name the error), so after such a 404 a backend asks this check, which
 * sends one HeadBucket and remembers a bucket it found: a storage pays for it once, and only if
 * it ever looks at a missing key. A missing bucket is not remembered (it may be created later).
 */
export class BucketCheck {
  readonly #client: S3Client;
  readonly #bucket: string;
  #found = false;
  #pending: Promise<void> | undefined;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  /**
   * Resolves when the bucket exists; rejects with `StorageUnavailableError` naming the bucket when
   * it does not. Concurrent callers share one HeadBucket. A 403 on HeadBucket (allowed to read
   * objects, not to look at the bucket) counts as found: the bucket answered.
   */
  async assertExists(operation: string): Promise<void> {
    if (this.#found) return;
    this.#pending ??= this.#check(operation).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #check(operation: string): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
      if (status === 404) {
        throw new StorageUnavailableError(`S3 ${operation} failed: bucket '${this.#bucket}' does not exist`, { cause: redactSdkError(error) });
      }
      if (status !== 403) throw toStowageError(error, operation, this.#bucket);
    }
    this.#found = true;
  }
}
