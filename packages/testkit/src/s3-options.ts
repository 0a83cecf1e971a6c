/** Options of the test S3 server and the accounts it knows by default. */
import type { S3TestAccount } from "./s3-sigv4.js";

/** Options of `startS3Server`. */
export interface S3TestServerOptions {
  /** Name of the bucket to create. Default: a random `stowage-test-<hex>`. */
  bucket?: string;
  /**
   * The credentials the server knows; a request signed with any other access key gets 403
   * `InvalidAccessKeyId`, with another secret 403 `SignatureDoesNotMatch`. The first account is the
   * one of `S3TestServer.clientConfig`. An account with a `sessionToken` stands for
   * temporary credentials: its requests must carry that token. Default: {@link TEST_ACCOUNTS}.
   */
  accounts?: S3TestAccount[];
  /**
   * The region requests must be signed for, as S3 refuses a signature for another region (400
   * `AuthorizationHeaderMalformed`). Default: any region (the signature is still recomputed for
   * the region it names), since tests open clients from `s3://` URLs with regions of their own.
   * `S3TestServer.clientConfig` uses this region, or `us-east-1`.
   */
  region?: string;
  /**
   * The server's clock in ms since the epoch, against which clock skew (15 minutes) and presigned
   * URL expiry are judged. Default: `Date.now`. Not passed to `spawnS3Server`'s child.
   */
  clock?: () => number;
  /**
   * `false` turns off every signature and body check, as fauxqs alone has none: only to measure
   * what the checks cost. Default: `true`.
   */
  verify?: boolean;
}

/**
 * The accounts a test server knows by default: `test`/`test` (what `S3TestServer.clientConfig`
 * signs with, and what CLI tests and rclone get from the environment), `someone-else`/`x` (a second
 * account, for tests that need a client the storage cannot recognise as its own) and
 * `docs-check`/`docs-check` (the README examples' environment) and `from-env`/`from-env-secret`
 * (what `@stowage/s3`'s URL tests put in the environment).
 */
export const TEST_ACCOUNTS: readonly S3TestAccount[] = [
  { accessKeyId: "test", secretAccessKey: "test" },
  { accessKeyId: "someone-else", secretAccessKey: "x" },
  { accessKeyId: "docs-check", secretAccessKey: "docs-check" },
  { accessKeyId: "from-env", secretAccessKey: "from-env-secret" },
];

