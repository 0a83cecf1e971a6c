import type { ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import { InvalidOptionsError } from "@stowage/core";

/**
 * What bucket policies may require of every new object (issue 23, item 6): a storage class and
 * server-side encryption. A policy that requires encryption rejects every PUT without it, so these
 * go on every request that creates an object: PutObject (both transports), CreateMultipartUpload
 * and CopyObject.
 */
export interface S3WriteSettings {
  /** `x-amz-storage-class`: `STANDARD` (S3's default), `STANDARD_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR`, ... */
  storageClass?: string | undefined;
  /** `x-amz-server-side-encryption`: `AES256` (S3-managed keys) or `aws:kms`. */
  serverSideEncryption?: "AES256" | "aws:kms" | undefined;
  /** `x-amz-server-side-encryption-aws-kms-key-id`: the KMS key (id or ARN), only with `aws:kms`. */
  sseKmsKeyId?: string | undefined;
}

const STORAGE_CLASS = /^[A-Z][A-Z_]{1,40}$/;

/**
 * The write settings checked before any request: a storage class in S3's spelling, an encryption
 * of `AES256` or `aws:kms`, a KMS key id only with `aws:kms`. Throws `InvalidOptionsError`
 * (`E_INVALID_OPTIONS`) otherwise.
 */
export function checkWriteSettings(settings: S3WriteSettings): S3WriteSettings {
  const { storageClass, serverSideEncryption, sseKmsKeyId } = settings;
  if (storageClass !== undefined && !STORAGE_CLASS.test(storageClass)) {
    throw new InvalidOptionsError("storageClass", storageClass, "must be an S3 storage class such as STANDARD_IA", "S3Storage");
  }
  if (serverSideEncryption !== undefined && serverSideEncryption !== "AES256" && serverSideEncryption !== "aws:kms") {
    throw new InvalidOptionsError("serverSideEncryption", serverSideEncryption, 'must be "AES256" or "aws:kms"', "S3Storage");
  }
  if (sseKmsKeyId !== undefined && (serverSideEncryption !== "aws:kms" || !/^[\x21-\x7e]{1,2048}$/.test(sseKmsKeyId))) {
    throw new InvalidOptionsError("sseKmsKeyId", sseKmsKeyId, 'needs serverSideEncryption "aws:kms" and a key id or ARN', "S3Storage");
  }
  return { storageClass, serverSideEncryption, sseKmsKeyId };
}

/** The settings as the SDK's command input fields (only those set). */
export function sdkWriteFields(settings: S3WriteSettings): { StorageClass?: StorageClass; ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string } {
  const fields: { StorageClass?: StorageClass; ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string } = {};
  if (settings.storageClass !== undefined) fields.StorageClass = settings.storageClass as StorageClass;
  if (settings.serverSideEncryption !== undefined) fields.ServerSideEncryption = settings.serverSideEncryption;
  if (settings.sseKmsKeyId !== undefined) fields.SSEKMSKeyId = settings.sseKmsKeyId;
  return fields;
}

/** The settings as request headers, for the lean transport (only those set). */
export function writeHeaders(settings: S3WriteSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (settings.storageClass !== undefined) headers["x-amz-storage-class"] = settings.storageClass;
  if (settings.serverSideEncryption !== undefined) headers["x-amz-server-side-encryption"] = settings.serverSideEncryption;
  if (settings.sseKmsKeyId !== undefined) headers["x-amz-server-side-encryption-aws-kms-key-id"] = settings.sseKmsKeyId;
  return headers;
}
