import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  abortableChunks,
  BlobBackend,
  checkGarbageOptions,
  nsFromDate,
  DEFAULT_CHUNK_SIZE,
  normalizePrefix,
  SnapshotIOError,
  SnapshotNotFoundError,
  signedUrlOptions,
  type BackendContent,
  type BackendWriteOptions,
  type BlobOperation,
  type CollectGarbageOptions,
  type FileStat,
  type GarbageReport,
  type SignedUrlOptions,
  type SnapshotStorage,
  type StreamListOptions,
  type SyncCopier,
} from "@stowage/core";
import { DeleteObjectCommand } from "./sdk.js";
import { BucketCheck } from "./bucket-check.js";
import { assertWritable } from "./conflict-check.js";
import { deleteObjects } from "./delete-many.js";
import { getObject, objectChunks } from "./get-object.js";
import { headObject, statOf } from "./head-object.js";
import { listLevel } from "./list-level.js";
import { contentTypeOf } from "./content-type.js";
import { MD5_METADATA_KEY, mtimeMetadata } from "./mtime-metadata.js";
import { uploadObject } from "./multipart-upload.js";
import type { ObjectSpace } from "./object-space.js";
import { LeanTransport } from "./lean-transport.js";
import { checkBucket, resolveClient, type S3Transport } from "./s3-client.js";
import { toStowageError } from "./s3-errors.js";
import { KeySpace } from "./s3-keys.js";
import { S3_LOCATION, s3LocationOf, type S3Location } from "./s3-location.js";
import { resolveSettings, type S3StorageOptions, type S3StorageSettings } from "./s3-storage-options.js";
import { serverCopy } from "./server-copy.js";
import { presignedUrl } from "./signed-url.js";
import { streamFileStats } from "./stream-list.js";
import { S3SyncCopier } from "./sync-copier.js";
import { abortStaleUploads } from "./upload-garbage.js";
import { s3Place } from "./place.js";
import { SourceFailure, uploadFrom } from "./upload-source.js";

/**
 * The advanced blob tier on an S3 bucket (AWS, or any S3-compatible server through `endpoint` and
 * `forcePathStyle`). Reads stream the GetObject body; writes stream through a multipart upload with
 * bounded memory; moves are server-side, and so are syncs between S3 storages of one endpoint and
 * account, across buckets too (see {@link S3Storage.syncCopier}).
 *
 * Built on core's `BlobBackend`, which checks keys, content, `mtime` and signals before any request,
 * cuts streams on abort, and maps every failure through `toStowageError` (S3's own errors as
 * stowage errors by `code`: `E_NOT_FOUND`, `E_UNAVAILABLE` for a missing bucket, the network or a
 * 5xx, `E_IO` otherwise).
 *
 * Every write records its modification time as `mtime` user metadata, in rclone's format
 * (`X-Amz-Meta-Mtime`: seconds since the epoch with a fraction), which `stat` reads back to the
 * millisecond. Objects without it (written by other tools) fall back to S3's LastModified.
 *
 * On S3, "atomic" means: a write or a move makes the new object appear whole or not at all, never a
 * partial object. A move is a copy then a delete, so the source can linger if the delete fails
 * (reported as `SnapshotIOError`); S3 has no rename.
 */
export class S3Storage extends BlobBackend {
  /** The S3 client in use (yours, or the one built from `clientConfig`). */
  readonly client: S3Client;
  /**
   * How the hot path (HeadObject, GetObject, single-part PutObject, listings) is sent: `"lean"`
   * when this storage built its client and `transport` was not `"sdk"`, else `"sdk"` (see
   * `S3ClientChoice.transport`).
   */
  readonly transport: S3Transport;
  readonly #space: ObjectSpace;
  readonly #settings: S3StorageSettings;
  readonly #ownsClient: boolean;

  constructor(options: S3StorageOptions) {
    // Checked before the base's own checks, in the order users have always seen them.
    const bucket = checkBucket("S3Storage", options.bucket);
    const settings = resolveSettings(options, DEFAULT_CHUNK_SIZE);
    super({ chunkSize: settings.chunkSize });
    this.#settings = settings;
    const { client, owned, lean } = resolveClient(options, "S3Storage");
    this.client = client;
    this.#ownsClient = owned;
    this.transport = lean ? "lean" : "sdk";
    this.#space = {
      client,
      keys: new KeySpace(bucket, normalizePrefix(options.prefix ?? "")),
      bucketCheck: new BucketCheck(client, bucket),
      lean: lean ? new LeanTransport(client, bucket) : undefined,
    };
  }

  /** The bucket this storage writes to. */
  get bucket(): string {
    return this.#space.keys.bucket;
  }

  /** Where folder `prefix` is (core's `PlacedStorage`; see `s3Place`): endpoint, bucket, root prefix, folder. */
  place(prefix: string): ReturnType<typeof s3Place> {
    return s3Place(this.client, this.bucket, this.prefix, prefix);
  }

  /**
   * A time-limited URL that downloads (`method: "GET"`, the default) or uploads (`"PUT"`) file
   * `path` without credentials: core's `SigningStorage` capability, a presigned SigV4 URL (see
   * `signed-url.ts`). `expiresInSeconds` from 1 to 604,800 (7 days, S3's limit), default 3,600.
   * Throws `E_INVALID_PATH` or `E_INVALID_OPTIONS` before signing; sends nothing to S3.
   */
  async signedUrl(path: string, options: SignedUrlOptions = {}): Promise<string> {
    const checked = signedUrlOptions(path, options, "S3Storage");
    return presignedUrl(this.client, this.bucket, this.#space.keys.objectKey(path), checked);
  }

  /** The folder inside the bucket that is this storage's root (`""` for the bucket root). */
  get prefix(): string {
    return this.#space.keys.root;
  }

  /**
   * A GetObject body, streamed, with its stat from the response headers for `onStat`. An abort of
   * the read's signal cancels the request (or, through the base, destroys the body once it flows)
   * with `AbortError`, which releases the connection.
   */
  protected readFile(key: string, signal: AbortSignal | undefined, onStat?: (stat: FileStat) => void): Promise<Readable> {
    return getObject(this.#space, key, signal, onStat);
  }

  /** `streamRead`'s chunks cut from the body's own buffer (see `objectChunks`). */
  protected override async readChunks(key: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    return objectChunks(this.#space, key, size);
  }

  /**
   * One object (PutObject, or a multipart upload above `partSize`), recording `options.mtime`
   * (default: now) as its `mtime` metadata, after the conflict check unless `checkConflicts` is
   * off, or the caller ruled conflicts out from a listing (`options.checkConflicts: false`, which a
   * sync passes for the copies its merge cleared: a HeadObject per parent folder saved per file). An abort of the signal cancels the parts in flight and aborts the multipart upload
   * (AbortMultipartUpload), so no parts stay stored; a PutObject (content of one part) or a
   * CompleteMultipartUpload already sent finishes. A failure of the content itself rejects as it
   * is (see `SourceFailure`).
   */
  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    if (this.#settings.checkConflicts && options.checkConflicts) await assertWritable(this.#space, key);
    const { signal } = options;
    const what = `the write of '${key}'`;
    // Bytes too are pulled through the signal, so that an abort during the checks stops a PutObject.
    const source = content.bytes === undefined ? content.chunks : abortableChunks(content.bytes, signal, what);
    const target = {
      client: this.client,
      bucket: this.bucket,
      key: this.#space.keys.objectKey(key),
      metadata: { ...mtimeMetadata(options.mtimeNs ?? nsFromDate(new Date())), ...this.#md5Metadata(content, options.md5) },
      contentType: options.contentType ?? contentTypeOf(key),
      ...this.#settings,
      signal,
      what,
      lean: this.#space.lean,
    };
    await uploadFrom(source, (chunks) => uploadObject(target, chunks, content.bytes?.byteLength));
  }

  /**
   * rclone's `Md5chksum` for content that may go up in parts: a multipart ETag is no MD5 of the
   * content, so `compare: "checksum"` and `rclone check` need it. Held bytes are hashed here; a
   * streamed body's MD5 must come from the caller (`WriteOptions.md5`, which sync passes for files
   * of {@link S3Storage.md5WantedFrom} bytes or more), since CreateMultipartUpload fixes the
   * metadata before the body is read; the upload checks it against the bytes before completing.
   */
  #md5Metadata(content: BackendContent, md5: string | undefined): Record<string, string> {
    const bytes = content.bytes;
    if (bytes !== undefined) {
      if (bytes.byteLength <= this.#settings.partSize) return {};
      return { [MD5_METADATA_KEY]: createHash("md5").update(bytes).digest("base64") };
    }
    return md5 === undefined ? {} : { [MD5_METADATA_KEY]: Buffer.from(md5, "hex").toString("base64") };
  }

  /**
   * Streamed content of more than one part size goes up in parts, whose metadata is fixed before
   * the content is read: sync passes such files' MD5 (`WriteOptions.md5`) so that they carry
   * rclone's `Md5chksum`.
   */
  get md5WantedFrom(): number {
    return this.#settings.partSize + 1;
  }

  /**
   * One HeadObject. `mtime` is the object's `mtime` metadata, to the millisecond; without it (or
   * when it does not parse), LastModified with `mtimePrecision: 1000`. `etag` is left out for
   * multipart ETags, which depend on the part size (see README).
   */
  protected async statFile(key: string): Promise<FileStat | undefined> {
    const head = await headObject(this.#space, key);
    return head === undefined ? undefined : statOf(key, head);
  }

  /**
   * The content MD5 without a download, for `compare: "checksum"`: one HeadObject, then the
   * single-part ETag or rclone's `Md5chksum` metadata; `undefined` for a multipart object without
   * it, `null` for a missing one.
   */
  protected override async md5File(key: string): Promise<string | undefined | null> {
    const head = await headObject(this.#space, key);
    return head === undefined ? null : statOf(key, head).md5;
  }

  protected async deleteFile(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#space.keys.objectKey(key) }));
  }

  /**
   * A server-side copy (carrying the source's mtime, `If-Match` on its ETag for a multipart copy)
   * after the conflict check, then a DeleteObject of the source; a failed delete rejects with
   * `SnapshotIOError` saying that the source still exists.
   */
  protected async moveFile(src: string, dst: string): Promise<void> {
    // The base's stat is not handed down: the copy needs the full ETag, which a stat leaves out.
    const head = await headObject(this.#space, src);
    if (head === undefined) throw new SnapshotNotFoundError(src);
    if (this.#settings.checkConflicts) await assertWritable(this.#space, dst);
    await serverCopy(this.#space, this.#settings, this.#location, src, dst, statOf(src, head), head.ETag);
    try {
      await this.delete(src);
    } catch (error) {
      throw new SnapshotIOError(`'${src}' was copied to '${dst}', but the source could not be deleted and still exists`, src, {
        cause: error,
      });
    }
  }

  /**
   * Every file under `folder`, any depth, from ListObjectsV2 pages without a delimiter (S3 lists
   * in UTF-8 byte order, which is `compareKeys` order): lazy, one page fetched ahead at most,
   * `maxKeys` keys per page. Entries carry LastModified as a stand-in time (`mtimePrecision: 1000`,
   * `needsStat: true`: the `mtime` metadata takes a HeadObject) and the ETag unless it is a
   * multipart one. Objects whose names are not stowage keys go to `options.onSkip`; folder markers
   * are passed over silently. A server that lists out of byte order fails the iteration with
   * `SnapshotIOError`; a failed request with the error `read` would give.
   */
  protected listFiles(folder: string, options: StreamListOptions): AsyncIterable<FileStat> {
    return streamFileStats({ client: this.client, keys: this.#space.keys, folder, maxKeys: this.#settings.maxKeys, lean: this.#space.lean }, options);
  }

  /** One level, from delimited ListObjectsV2 pages (see `listLevel`). */
  protected override listLevel(folder: string): Promise<string[]> {
    return listLevel(this.#space, folder, this.#settings.maxKeys);
  }

  /** An SDK or socket error as a stowage error (`toStowageError`); a listing names no key. */
  protected override classify(error: unknown, operation: BlobOperation, key: string): unknown {
    if (error instanceof SourceFailure) return error.error;
    return toStowageError(error, operation, this.bucket, operation === "list" ? undefined : key);
  }

  /**
   * Deletes many files with DeleteObjects, 1000 keys per request (core's `BatchDeletingStorage`,
   * which `removeFolder` uses). Idempotent like `delete`; every key is validated before anything is
   * deleted. Rejects with `SnapshotIOError` naming the first key S3 refused.
   */
  deleteMany(paths: readonly string[]): Promise<void> {
    return deleteObjects(this.#space, paths);
  }

  /**
   * The copier a sync into this storage uses when the source is an S3 storage (see
   * `S3SyncCopier`): server-side CopyObject / UploadPartCopy from one on the same endpoint,
   * region and access key (any bucket or prefix), carrying the source's modification time and
   * skipping the file/folder checks, which the sync engine has already made from the target's
   * listing. For any other source, `undefined`: the engine streams (`read` into `write`).
   */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    const location = s3LocationOf(source);
    if (location === undefined) return undefined;
    const target = {
      location: this.#location,
      serverCopy: (from: S3Location, sourceKey: string, targetKey: string, stat: FileStat) =>
        serverCopy(this.#space, this.#settings, from, sourceKey, targetKey, stat),
      write: this.write.bind(this),
    };
    return new S3SyncCopier(target, source, location);
  }

  /** How other S3 storages recognise this one, across package copies (see `s3-location.ts`). */
  get [S3_LOCATION](): S3Location {
    return this.#location;
  }

  get #location(): S3Location {
    return { client: this.client, bucket: this.bucket, root: this.prefix };
  }

  /** Destroys the client if this storage created it; a client you passed in is left open. */
  close(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  /**
   * Garbage collection (see `GarbageCollectingStorage` in core): aborts the incomplete multipart
   * uploads under this storage's prefix started more than `olderThanMs` ago, which a killed
   * writer, or an SDK retry of CreateMultipartUpload whose first response was lost, leaves behind
   * (their parts are billed until aborted). Uploads outside the prefix are never touched. Needs
   * `s3:ListBucketMultipartUploads` and `s3:AbortMultipartUpload`. Rejects with
   * `InvalidOptionsError` for a bad `olderThanMs` before any request.
   */
  async collectGarbage(options: CollectGarbageOptions): Promise<GarbageReport> {
    const { olderThanMs, dryRun } = checkGarbageOptions(options, "S3Storage");
    return abortStaleUploads({
      client: this.client,
      bucket: this.bucket,
      root: this.prefix,
      olderThanMs,
      dryRun,
      call: async (operation, run) => {
        try {
          return await run();
        } catch (error) {
          throw toStowageError(error, operation, this.bucket);
        }
      },
    });
  }
}
