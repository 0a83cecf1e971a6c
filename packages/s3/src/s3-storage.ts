import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  abortableChunks,
  abortableReadable,
  checkChunkSize,
  throwIfAborted,
  DEFAULT_CHUNK_SIZE,
  SnapshotConflictError,
  SnapshotIOError,
  SnapshotNotFoundError,
  compareKeys,
  assertWriteContent,
  normalizePrefix,
  parentFolders,
  rechunkReadable,
  syncStorages,
  validateKey,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type ReadOptions,
  type SnapshotStorage,
  type StreamListOptions,
  type StreamReadOptions,
  type SyncCopier,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
  type WriteOptions,
  checkGarbageOptions,
  type CollectGarbageOptions,
  type GarbageReport,
} from "@stowage/core";
import { abortStaleUploads } from "./upload-garbage.js";
import { BucketCheck } from "./bucket-check.js";
import { copyObject } from "./copy-object.js";
import { listObjectPages } from "./list-objects.js";
import { mtimeMetadata, MTIME_METADATA_KEY, parseMtime } from "./mtime-metadata.js";
import { uploadObject } from "./multipart-upload.js";
import { isMissingObject, toStowageError } from "./s3-errors.js";
import { checkBucket, resolveClient } from "./s3-client.js";
import { comparableEtag } from "./s3-etag.js";
import { addressableKey, KeySpace } from "./s3-keys.js";
import { S3_LOCATION, type S3Location } from "./s3-location.js";
import { resolveSettings, type S3StorageOptions, type S3StorageSettings } from "./s3-storage-options.js";
import { streamFileStats } from "./stream-list.js";
import { S3SyncCopier } from "./sync-copier.js";
import { withTypedErrors } from "./typed-body.js";

/** S3 accepts at most this many keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/**
 * The advanced blob tier on an S3 bucket (AWS, or any S3-compatible server through `endpoint` and
 * `forcePathStyle`). Reads stream the GetObject body; writes stream through a multipart upload with
 * bounded memory; moves are server-side, and so are syncs between S3 storages of one endpoint and
 * account, across buckets too (see {@link S3Storage.syncCopier}).
 *
 * Every write records its modification time as `mtime` user metadata, in rclone's format
 * (`X-Amz-Meta-Mtime`: seconds since the epoch with a fraction), which `stat` reads back to the
 * millisecond. Objects without it (written by other tools) fall back to S3's LastModified.
 *
 * On S3, "atomic" means: a write or a move makes the new object appear whole or not at all, never a
 * partial object. A move is a copy then a delete, so the source can linger if the delete fails
 * (reported as `SnapshotIOError`); S3 has no rename.
 */
export class S3Storage implements AdvancedSnapshotStorage {
  /** The S3 client in use (yours, or the one built from `clientConfig`). */
  readonly client: S3Client;
  readonly #keys: KeySpace;
  readonly #settings: S3StorageSettings;
  readonly #ownsClient: boolean;
  readonly #bucketCheck: BucketCheck;

  constructor(options: S3StorageOptions) {
    this.#keys = new KeySpace(checkBucket("S3Storage", options.bucket), normalizePrefix(options.prefix ?? ""));
    this.#settings = resolveSettings(options, DEFAULT_CHUNK_SIZE);
    const { client, owned } = resolveClient(options, "S3Storage");
    this.client = client;
    this.#ownsClient = owned;
    this.#bucketCheck = new BucketCheck(client, this.bucket);
  }

  /** The bucket this storage writes to. */
  get bucket(): string {
    return this.#keys.bucket;
  }

  /** The folder inside the bucket that is this storage's root (`""` for the bucket root). */
  get prefix(): string {
    return this.#keys.root;
  }

  /**
   * A GetObject body, streamed. An abort of `options.signal` cancels the request (or destroys the
   * body once it flows) with `AbortError`, which releases the connection.
   */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { signal } = options;
    validateKey(path);
    const body = await this.#getBody(path, signal);
    const typed = withTypedErrors(body, (error) => toStowageError(error, "read", this.bucket, path));
    return abortableReadable(typed, signal, `the read of '${path}'`);
  }

  /**
   * Writes a file as one object (PutObject, or a multipart upload above `partSize`), recording
   * `options.mtime` (default: now) as its `mtime` metadata. An abort of `options.signal` cancels
   * the parts in flight and aborts the multipart upload (AbortMultipartUpload), so no parts stay
   * stored; a PutObject (content of one part) or a CompleteMultipartUpload already sent finishes.
   */
  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    assertWriteContent(content);
    throwIfAborted(options.signal, `the write of '${path}'`);
    await this.#assertWritable(path);
    await this.#upload(path, content, options.mtime ?? new Date(), undefined, options.signal);
  }

  async streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    return this.write(path, chunks, options);
  }

  /** Uploads without checks; `size`, when known, only picks PutObject or multipart upfront. */
  async #upload(path: string, content: WriteContent, mtime: Date, size?: number, signal?: AbortSignal): Promise<void> {
    // The source's own failure is the caller's error: it is rethrown as is, not as a backend failure.
    let sourceFailure: { error: unknown } | undefined;
    const chunks = (async function* () {
      try {
        yield* abortableChunks(content, signal, `the write of '${path}'`);
      } catch (error) {
        sourceFailure = { error };
        throw error;
      }
    })();
    const target = {
      client: this.client,
      bucket: this.bucket,
      key: this.#keys.objectKey(path),
      metadata: mtimeMetadata(mtime),
      ...this.#settings,
      signal,
      what: `the write of '${path}'`,
    };
    try {
      await uploadObject(target, chunks, size);
    } catch (error) {
      if (sourceFailure !== undefined && error === sourceFailure.error) throw error;
      throw toStowageError(error, "write", this.bucket, path);
    }
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    validateKey(path);
    const size = checkChunkSize(options.chunkSize ?? this.#settings.chunkSize);
    const { signal } = options;
    const body = abortableReadable(await this.#getBody(path, signal), signal, `the read of '${path}'`);
    try {
      yield* rechunkReadable(body, size);
    } catch (error) {
      throw toStowageError(error, "read", this.bucket, path);
    } finally {
      body.destroy();
    }
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const entries = new Set<string>();
    await this.#call("list", undefined, async () => {
      for await (const page of listObjectPages(this.client, this.bucket, this.#keys.listPrefix(folder), {
        delimiter: "/",
        maxKeys: this.#settings.maxKeys,
      })) {
        for (const object of page.objects) {
          const key = object.Key === undefined ? undefined : addressableKey(this.#keys, object.Key);
          if (key !== undefined) entries.add(key);
        }
        // A Set, because some servers repeat a CommonPrefix on several pages.
        for (const common of page.folders) {
          const key = addressableKey(this.#keys, common.slice(0, -1));
          if (key !== undefined) entries.add(`${key}/`);
        }
      }
    });
    return [...entries].sort(compareKeys);
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const stat of this.streamList(prefix)) keys.push(stat.path);
    return keys;
  }

  /**
   * Every file under `prefix`, any depth, from ListObjectsV2 pages without a delimiter (S3 lists
   * in UTF-8 byte order, which is {@link compareKeys} order): lazy, one page fetched ahead at most,
   * `maxKeys` keys per page. Entries carry LastModified as a stand-in time (`mtimePrecision: 1000`,
   * `needsStat: true`: the `mtime` metadata takes a HeadObject) and the ETag unless it is a
   * multipart one. Objects whose names are not stowage keys go to `options.onSkip`; folder markers
   * are passed over silently. A server that lists out of byte order fails the iteration with
   * `SnapshotIOError`; a failed request with the error `read` would give.
   */
  async *streamList(prefix: string, options: StreamListOptions = {}): AsyncGenerator<FileStat, void, undefined> {
    const folder = normalizePrefix(prefix);
    const request = { client: this.client, keys: this.#keys, folder, maxKeys: this.#settings.maxKeys };
    try {
      yield* streamFileStats(request, options);
    } catch (error) {
      throw toStowageError(error, "list", this.bucket);
    }
  }

  async delete(path: string): Promise<void> {
    validateKey(path);
    await this.#call("delete", path, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#keys.objectKey(path) })),
    );
  }

  /**
   * Deletes many files with DeleteObjects, 1000 keys per request. Idempotent like `delete`; every
   * key is validated before anything is deleted. Rejects with `SnapshotIOError` naming the first key
   * S3 refused.
   */
  async deleteMany(paths: readonly string[]): Promise<void> {
    for (const path of paths) validateKey(path);
    for (let start = 0; start < paths.length; start += DELETE_BATCH) {
      const batch = paths.slice(start, start + DELETE_BATCH);
      const result = await this.#call("delete", undefined, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((path) => ({ Key: this.#keys.objectKey(path) })), Quiet: true },
          }),
        ),
      );
      const refused = result.Errors?.[0];
      if (refused !== undefined) {
        const path = this.#keys.storageKey(refused.Key ?? "") ?? refused.Key ?? "";
        throw new SnapshotIOError(`S3 refused to delete ${result.Errors?.length} key(s), first '${path}': ${refused.Code}`, path);
      }
    }
  }

  async exists(path: string): Promise<boolean> {
    validateKey(path);
    return (await this.#head(path)) !== undefined;
  }

  /**
   * One HeadObject. `mtime` is the object's `mtime` metadata, to the millisecond; without it (or
   * when it does not parse), LastModified with `mtimePrecision: 1000`. `etag` is left out for
   * multipart ETags, which depend on the part size (see README).
   */
  async stat(path: string): Promise<FileStat> {
    validateKey(path);
    const head = await this.#head(path);
    if (head === undefined) throw new SnapshotNotFoundError(path);
    return statOf(path, head);
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    const head = await this.#head(src);
    if (head === undefined) throw new SnapshotNotFoundError(src);
    if (src === dst) return;
    await this.#assertWritable(dst);
    await this.#serverCopy(this.#location, src, dst, statOf(src, head), head.ETag);
    try {
      await this.delete(src);
    } catch (error) {
      throw new SnapshotIOError(
        `'${src}' was copied to '${dst}', but the source could not be deleted and still exists`,
        src,
        { cause: error },
      );
    }
  }

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
  }

  /**
   * The copier a sync into this storage uses, whatever the source (see {@link S3SyncCopier}):
   * server-side CopyObject / UploadPartCopy from an S3 storage on the same endpoint, region and
   * access key (any bucket or prefix), a streamed upload from anything else. Both carry the
   * source's modification time and skip the file/folder checks, which the sync engine has
   * already made from the target's listing.
   */
  syncCopier(source: SnapshotStorage): SyncCopier {
    return new S3SyncCopier(
      {
        location: this.#location,
        serverCopy: (from, sourceKey, targetKey, stat) => this.#serverCopy(from, sourceKey, targetKey, stat),
        upload: (targetKey, content, stat) => this.#upload(targetKey, content, stat.mtime, stat.size),
      },
      source,
    );
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

  /** The GetObject body of `path`; an aborted `signal` rejects with `AbortError` before or during the request. */
  async #getBody(path: string, signal?: AbortSignal): Promise<Readable> {
    throwIfAborted(signal, `the read of '${path}'`);
    const response = await this.#call("read", path, async () => {
      try {
        return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#keys.objectKey(path) }), { abortSignal: signal });
      } catch (error) {
        // The SDK's own abort error is not a stowage error.
        throwIfAborted(signal, `the read of '${path}'`);
        throw error;
      }
    });
    const body = response.Body;
    // In Node the SDK's body is an http.IncomingMessage, a Readable: no whole-object buffering.
    if (!(body instanceof Readable)) return Readable.from([]);
    return body;
  }

  /** The object's HeadObject, or `undefined` when it is missing (and the bucket is not: see BucketCheck). */
  async #head(path: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.#keys.objectKey(path) }));
    } catch (error) {
      if (!isMissingObject(error)) throw toStowageError(error, "stat", this.bucket, path);
    }
    await this.#bucketCheck.assertExists("stat");
    return undefined;
  }

  /**
   * Server-side copy of `sourceKey` in `source` onto `targetKey` here, carrying `stat.mtime`. Above
   * the multipart threshold the parts are copied with `If-Match` on the source's full ETag
   * (`sourceEtag`, as HeadObject returns it), so a source replaced mid-copy fails the copy instead
   * of mixing two versions; without it (a sync's stat leaves multipart ETags out), one HeadObject
   * fetches it, and the current size with it.
   */
  async #serverCopy(source: S3Location, sourceKey: string, targetKey: string, stat: FileStat, sourceEtag?: string): Promise<void> {
    const sourceKeys = new KeySpace(source.bucket, source.root);
    await this.#call("copy", targetKey, async () => {
      let size = stat.size;
      let etag = sourceEtag;
      if (size > this.#settings.multipartCopyThreshold && etag === undefined) {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: source.bucket, Key: sourceKeys.objectKey(sourceKey) }));
        size = head.ContentLength ?? size;
        etag = head.ETag;
      }
      await copyObject({
        client: this.client,
        bucket: this.bucket,
        copySource: sourceKeys.copySource(sourceKey),
        key: this.#keys.objectKey(targetKey),
        size,
        etag,
        mtime: stat.mtime,
        multipartThreshold: this.#settings.multipartCopyThreshold,
        partSize: this.#settings.copyPartSize,
        queueSize: this.#settings.queueSize,
      });
    });
  }

  /**
   * Rejects a write that would make `path` both a file and a folder. Costs one HeadObject per
   * parent and a one-key listing, all in parallel; racy against concurrent writers, as S3 has no
   * transactions.
   */
  async #assertWritable(path: string): Promise<void> {
    if (!this.#settings.checkConflicts) return;
    const parents = parentFolders(path);
    const [fileParents, children] = await Promise.all([
      Promise.all(parents.map(async (parent) => ((await this.#head(parent)) === undefined ? [] : [parent]))),
      this.#call("list", path, async () => {
        for await (const page of listObjectPages(this.client, this.bucket, this.#keys.listPrefix(path), { maxKeys: 1 })) {
          return page.objects.length;
        }
        return 0;
      }),
    ]);
    const fileParent = fileParents.flat()[0];
    if (fileParent !== undefined) throw new SnapshotConflictError(path, `'${fileParent}' is a file`);
    if (children > 0) throw new SnapshotConflictError(path, "a folder exists at this path");
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
      call: (operation, run) => this.#call(operation, undefined, run),
    });
  }

  async #call<T>(operation: string, path: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toStowageError(error, operation, this.bucket, path);
    }
  }
}

/**
 * A FileStat from a HeadObject: the `mtime` metadata when it parses (kept to the millisecond),
 * else LastModified (whole seconds).
 */
function statOf(path: string, head: HeadObjectCommandOutput): FileStat {
  const preserved = parseMtime(head.Metadata?.[MTIME_METADATA_KEY]);
  const etag = comparableEtag(head.ETag);
  return {
    path,
    size: head.ContentLength ?? 0,
    ...(preserved === undefined ? { mtime: head.LastModified ?? new Date(0), mtimePrecision: 1000 } : { mtime: preserved }),
    ...(etag === undefined ? {} : { etag }),
  };
}
