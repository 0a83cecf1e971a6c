import { definedOnly, InvalidOptionsError, UrlParams } from "@stowage/core";
import type { S3Transport } from "./s3-client.js";
import { S3Storage } from "./s3-storage.js";

/** The query parameters an `s3:` URL takes (see {@link createStorageFromUrl}). */
export const S3_URL_PARAMETERS = ["region", "endpoint", "forcePathStyle", "partSize", "transport", "storageClass", "sse", "sseKmsKeyId"] as const;

/**
 * The {@link S3Storage} an `s3:` URL names (the CLI's `stowage sync SRC DST`, and any adapter
 * host that opens storages by URL):
 * `s3://bucket[/prefix][?region=…&endpoint=…&forcePathStyle=true&partSize=N&transport=sdk&storageClass=…&sse=AES256|aws:kms&sseKmsKeyId=…]`.
 *
 * - The host is the bucket, the path (without its outer slashes) the prefix; both are
 *   percent-decoded.
 * - `region`, `endpoint` and `forcePathStyle` (`true`/`1` or `false`/`0`) go to the client that the
 *   storage builds and owns (`close()` destroys it), with stowage's retries and deadlines;
 *   `partSize` is bytes per multipart part (at least 5 MiB); `transport` is `lean` (the default) or
 *   `sdk` (see `S3ClientChoice.transport`); `storageClass`, `sse` (`AES256` or `aws:kms`) and
 *   `sseKmsKeyId` are sent with every write (`S3StorageOptions.storageClass`,
 *   `serverSideEncryption`, `sseKmsKeyId`), as bucket policies may require.
 * - Credentials come from the AWS SDK's standard chain (environment, shared config, instance
 *   roles), never from the URL.
 *
 * Throws `InvalidOptionsError` (`E_INVALID_OPTIONS`) naming the culprit for a URL of another
 * scheme, a parameter not listed above (a typo is never silently ignored), a malformed value, user
 * info in the URL (whose value is never shown), a missing bucket, or a bad percent-encoding; the
 * storage's own checks (`partSize` under 5 MiB) throw the same error. Nothing is sent before the
 * first operation.
 */
export function createStorageFromUrl(url: URL): S3Storage {
  if (url.protocol !== "s3:") throw new InvalidOptionsError("url", url.protocol, "must be an s3: URL", "createStorageFromUrl");
  const params = new UrlParams(url, S3_URL_PARAMETERS);
  if (url.username !== "" || url.password !== "") {
    throw new InvalidOptionsError(
      "credentials",
      "***",
      "must not be in an s3: URL: use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile",
      "createStorageFromUrl",
    );
  }
  const bucket = decoded("bucket", url.hostname);
  if (bucket === "") throw new InvalidOptionsError("bucket", bucket, "must be named by the URL: s3://bucket/optional/prefix", "createStorageFromUrl");
  const prefix = decoded("prefix", url.pathname).replace(/^\/+|\/+$/g, "");
  return new S3Storage({
    bucket,
    ...(prefix === "" ? {} : { prefix }),
    ...definedOnly({
      partSize: params.positiveInt("partSize"),
      transport: params.string("transport") as S3Transport | undefined,
      storageClass: params.string("storageClass"),
      serverSideEncryption: params.string("sse") as "AES256" | "aws:kms" | undefined,
      sseKmsKeyId: params.string("sseKmsKeyId"),
    }),
    clientConfig: definedOnly({
      region: params.string("region"),
      endpoint: params.string("endpoint"),
      forcePathStyle: params.boolean("forcePathStyle"),
    }),
  });
}

/** `text` percent-decoded; a bad escape (`%zz`) is `InvalidOptionsError` naming `part`. */
function decoded(part: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidOptionsError(part, text, "is not valid percent-encoding", "createStorageFromUrl");
  }
}
