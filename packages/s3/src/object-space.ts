import type { S3Client } from "@aws-sdk/client-s3";
import type { BucketCheck } from "./bucket-check.js";
import type { LeanTransport } from "./lean-transport.js";
import type { KeySpace } from "./s3-keys.js";

/**
 * What the request helpers of an `S3Storage` share: the client, the storage's keys (bucket and
 * root prefix), the lean transport if any, and the one check that tells a missing bucket from a missing key.
 */
export interface ObjectSpace {
  readonly client: S3Client;
  readonly keys: KeySpace;
  readonly bucketCheck: BucketCheck;
  /** The lean transport of the hot path, when this storage built its own client (see `LeanTransport`). */
  readonly lean?: LeanTransport | undefined;
}
