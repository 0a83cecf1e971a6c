import { integerOption } from "@stowage/core";
import { resolveMaxKeys } from "./list-objects.js";
import { checkWriteSettings, type S3WriteSettings } from "./write-settings.js";
import type { S3ClientChoice } from "./s3-client.js";

/** Options shared by every {@link S3Storage}, whichever way it gets its client. */
interface S3StorageBaseOptions {
  /** The bucket; it must exist. */
  bucket: string;
  /** A folder inside the bucket that acts as this storage's root (`"backups/prod"`). Default: the bucket root. */
  prefix?: string;
  /**
   * Bytes per multipart part, and the largest body sent in a single PutObject. At least 5 MiB
   * (S3's minimum part size); an object can have 10 000 parts, so 8 MiB parts cap a streamed
   * object at about 78 GiB. Default 8 MiB.
   */
  partSize?: number;
  /** Parts uploaded (or copied) at once. Memory of a write is about `(queueSize + 1) x partSize`. Default 4. */
  queueSize?: number;
  /** Bytes per chunk yielded by `streamRead`. Default 256 KiB. */
  chunkSize?: number;
  /**
   * Enforce the file/folder rule (no key is both a file and a folder) with a HeadObject on each
   * parent and a one-key listing before every write, copy and move. S3 itself allows both, and the
   * check is racy between concurrent writers. Default `true`.
   */
  checkConflicts?: boolean;
  /** Objects larger than this are copied part by part (UploadPartCopy). Default 5 GiB, S3's CopyObject limit. */
  multipartCopyThreshold?: number;
  /** Bytes per UploadPartCopy of a multipart copy (at most 5 GiB). Default 512 MiB. */
  copyPartSize?: number;
  /**
   * Keys per listing request (ListObjectsV2 `MaxKeys`) in `list`, `recursiveList` and `sync`, from
   * 1 to 1000. Listings always follow every page; smaller pages only mean more, smaller requests.
   * Default 1000, S3's largest page.
   */
  maxKeys?: number;
  /** The storage class of every object written (`x-amz-storage-class`, e.g. `STANDARD_IA`). Default: the bucket's (S3: `STANDARD`). */
  storageClass?: string;
  /**
   * Server-side encryption of every object written: `AES256` (S3-managed keys) or `aws:kms`, as a
   * bucket policy that denies unencrypted PUTs requires. Default: none sent (the bucket's default).
   */
  serverSideEncryption?: "AES256" | "aws:kms";
  /** The KMS key (id or ARN) for `serverSideEncryption: "aws:kms"`. Default: the account's S3 key. */
  sseKmsKeyId?: string;
}

/**
 * Options of {@link S3Storage}: the bucket, and either an existing `client` (shared, left open by
 * `close()`) or a `clientConfig` to build one from (owned, destroyed by `close()`).
 */
export type S3StorageOptions = S3StorageBaseOptions & S3ClientChoice;

const MIB = 1024 * 1024;
/** S3's smallest part (except the last one). */
export const MIN_PART_SIZE = 5 * MIB;
/** S3's largest part, and CopyObject's largest source. */
export const MAX_PART_SIZE = 5 * 1024 * MIB;

/** The settings an {@link S3Storage} runs with, defaults filled in and checked. */
export interface S3StorageSettings {
  partSize: number;
  queueSize: number;
  chunkSize: number;
  checkConflicts: boolean;
  multipartCopyThreshold: number;
  copyPartSize: number;
  maxKeys: number;
  /** Storage class and encryption sent with every write (see `write-settings.ts`). */
  write: S3WriteSettings;
}

/** Fills in defaults and rejects impossible settings with an `InvalidOptionsError` naming the option. */
export function resolveSettings(options: S3StorageBaseOptions, defaultChunkSize: number): S3StorageSettings {
  const settings: S3StorageSettings = {
    partSize: options.partSize ?? 8 * MIB,
    queueSize: options.queueSize ?? 4,
    chunkSize: options.chunkSize ?? defaultChunkSize,
    checkConflicts: options.checkConflicts ?? true,
    multipartCopyThreshold: options.multipartCopyThreshold ?? MAX_PART_SIZE,
    copyPartSize: options.copyPartSize ?? 512 * MIB,
    maxKeys: resolveMaxKeys("S3Storage", options.maxKeys),
    write: checkWriteSettings(options),
  };
  integerOption("partSize", settings.partSize, MIN_PART_SIZE, MAX_PART_SIZE, "S3Storage");
  integerOption("queueSize", settings.queueSize, 1, 10_000, "S3Storage");
  integerOption("chunkSize", settings.chunkSize, 1, Number.MAX_SAFE_INTEGER, "S3Storage");
  integerOption("multipartCopyThreshold", settings.multipartCopyThreshold, 0, MAX_PART_SIZE, "S3Storage");
  integerOption("copyPartSize", settings.copyPartSize, MIN_PART_SIZE, MAX_PART_SIZE, "S3Storage");
  return settings;
}
