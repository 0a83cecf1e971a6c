import type { S3Client } from "@aws-sdk/client-s3";
import type { SignedUrlOptions } from "@stowage/core";
import { GetObjectCommand, PutObjectCommand, presigner } from "./sdk.js";

/**
 * A presigned SigV4 URL of object `objectKey` (`rclone link`, flydrive's `getSignedUrl`): GET
 * downloads it, PUT uploads it, until `expiresInSeconds` have passed. Signed by the SDK's own
 * presigner with the client's credentials, region and endpoint, so it works wherever the client
 * does; nothing is sent to S3. The options come checked by core's `signedUrlOptions`.
 */
export async function presignedUrl(
  client: S3Client,
  bucket: string,
  objectKey: string,
  { method, expiresInSeconds }: Required<SignedUrlOptions>,
): Promise<string> {
  const command =
    method === "GET" ? new GetObjectCommand({ Bucket: bucket, Key: objectKey }) : new PutObjectCommand({ Bucket: bucket, Key: objectKey });
  return presigner().getSignedUrl(client, command, { expiresIn: expiresInSeconds });
}
