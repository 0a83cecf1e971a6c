import { createRequire } from "node:module";
import type * as ClientS3 from "@aws-sdk/client-s3";
import type * as Presigner from "@aws-sdk/s3-request-presigner";
import type * as SmithyEndpoints from "@smithy/core/endpoints";
import type * as SmithyRetry from "@smithy/core/retry";
import type * as SmithyTransport from "@smithy/core/transport";
import type * as NodeHandler from "@smithy/node-http-handler";

/*
 * The AWS SDK's modules (CommonJS), loaded with `require` rather than `import`: Node 20's ESM
 * loader, importing CommonJS, runs its export lexer and format detection over the whole SDK, which
 * took 150–179 ms of CPU per process here against 84–87 ms by `require` (Node 24: 106–130 against
 * 99–101). Every S3 command of the CLI pays it at its start. Only values come from here: types are
 * imported from the packages themselves, so that declarations and docs name the SDK's own.
 */
const load = createRequire(import.meta.url);

const clientS3 = load("@aws-sdk/client-s3") as typeof ClientS3;

export const {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} = clientS3;

export const { getEndpointFromInstructions } = load("@smithy/core/endpoints") as typeof SmithyEndpoints;
export const { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } = load("@smithy/core/retry") as typeof SmithyRetry;
export const { HttpRequest } = load("@smithy/core/transport") as typeof SmithyTransport;
export const { NodeHttpHandler } = load("@smithy/node-http-handler") as typeof NodeHandler;

/** The presigner, loaded by the first signed URL asked for (only `stowage link` and `signedUrl` use it). */
export function presigner(): typeof Presigner {
  return load("@aws-sdk/s3-request-presigner") as typeof Presigner;
}
