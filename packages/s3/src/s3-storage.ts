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
  checkChunkSize,
  DEFAULT_CHUNK_SIZE,
  SnapshotConflictError,
  SnapshotIOError,
  SnapshotNotFoundError,
  compareKeys,
  isWriteContent,
  normalizePrefix,
  parentFolders,
  rechunk,
  syncStorages,
  toChunks,
  validateKey,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type StreamReadOptions,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
} from "@stowage/core";
import { BucketCheck } from "./bucket-check.js";
import { copyObject } from "./copy-object.js";
import { listObjectPages } from "./list-objects.js";
import { uploadObject } from "./multipart-upload.js";
import { isMissingObject, toStowageError } from "./s3-errors.js";
import { checkBucket, resolveClient } from "./s3-client.js";
import { KeySpace } from "./s3-keys.js";
import { resolveSettings, type S3StorageOptions, type S3StorageSettings } from "./s3-storage-options.js";

/** S3 accepts at most this many keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/**
 * The advanced blob tier on an S3 bucket (AWS, or any S3-compatible server through `endpoint` and
 * `forcePathStyle`). Reads stream the GetObject body; writes stream through a multipart upload with
 * bounded memory; copies, moves and syncs inside the bucket are server-side.
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
    const { client, owned } = resolveClient(options);
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

  async read(path: string): Promise<Readable> {
    return this.#getBody(validateKey(path));
  }

  async write(path: string, content: WriteContent): Promise<void> {
    validateKey(path);
    if (!isWriteContent(content)) throw new TypeError("write content must be bytes, a string, an iterable of chunks or a Readable");
    await this.#assertWritable(path);
    // The source's own failure is the caller's error: it is rethrown as is, not as a backend failure.
    let sourceFailure: { error: unknown } | undefined;
    const chunks = (async function* () {
      try {
        yield* toChunks(content);
      } catch (error) {
        sourceFailure = { error };
        throw error;
      }
    })();
    const target = { client: this.client, bucket: this.bucket, key: this.#keys.objectKey(path), ...this.#settings };
    try {
      await uploadObject(target, chunks);
    } catch (error) {
      if (sourceFailure !== undefined && error === sourceFailure.error) throw error;
      throw toStowageError(error, "write", this.bucket, path);
    }
  }

  async streamWrite(path: string, chunks: ChunkSource): Promise<void> {
    return this.write(path, chunks);
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    validateKey(path);
    const size = checkChunkSize(options.chunkSize ?? this.#settings.chunkSize);
    const body = await this.#getBody(path);
    try {
      yield* rechunk(body, size);
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
          const key = this.#storageKey(object.Key);
          if (key !== undefined) entries.add(key);
        }
        // A Set, because some servers repeat a CommonPrefix on several pages.
        for (const common of page.folders) {
          const key = this.#storageKey(common.slice(0, -1));
          if (key !== undefined) entries.add(`${key}/`);
        }
      }
    });
    return [...entries].sort(compareKeys);
  }

  async recursiveList(prefix: string): Promise<string[]> {
    return (await this.#listStats(normalizePrefix(prefix))).map((stat) => stat.path);
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

  async stat(path: string): Promise<FileStat> {
    validateKey(path);
    const head = await this.#head(path);
    if (head === undefined) throw new SnapshotNotFoundError(path);
    return {
      path,
      size: head.ContentLength ?? 0,
      mtime: head.LastModified ?? new Date(0),
      ...(head.ETag === undefined ? {} : { etag: unquote(head.ETag) }),
    };
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    const source = await this.stat(src);
    if (src === dst) return;
    await this.#copy(src, dst, source);
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
    // The listing already knows each source's size and ETag: no HeadObject per copy.
    const listed = new Map<string, FileStat>();
    return syncStorages(this, srcPrefix, this, dstPrefix, options, {
      copy: async (from, to) => this.#copy(from, to, listed.get(from) ?? (await this.stat(from))),
      listStats: async (prefix) => {
        const stats = await this.#listStats(prefix);
        for (const stat of stats) listed.set(stat.path, stat);
        return stats.map(comparableEtag);
      },
    });
  }

  /** Destroys the client if this storage created it; a client you passed in is left open. */
  close(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  async #getBody(path: string): Promise<Readable> {
    const response = await this.#call("read", path, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#keys.objectKey(path) })),
    );
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

  async #listStats(folder: string): Promise<FileStat[]> {
    const stats: FileStat[] = [];
    await this.#call("list", undefined, async () => {
      for await (const page of listObjectPages(this.client, this.bucket, this.#keys.listPrefix(folder), { maxKeys: this.#settings.maxKeys })) {
        for (const object of page.objects) {
          const path = this.#storageKey(object.Key);
          if (path === undefined) continue;
          stats.push({
            path,
            size: object.Size ?? 0,
            mtime: object.LastModified ?? new Date(0),
            ...(object.ETag === undefined ? {} : { etag: unquote(object.ETag) }),
          });
        }
      }
    });
    return stats.sort((a, b) => compareKeys(a.path, b.path));
  }

  async #copy(src: string, dst: string, source: FileStat): Promise<void> {
    await this.#assertWritable(dst);
    await this.#call("copy", dst, () =>
      copyObject({
        client: this.client,
        bucket: this.bucket,
        copySource: this.#keys.copySource(src),
        key: this.#keys.objectKey(dst),
        size: source.size,
        etag: source.etag === undefined ? undefined : `"${source.etag}"`,
        multipartThreshold: this.#settings.multipartCopyThreshold,
        partSize: this.#settings.copyPartSize,
        queueSize: this.#settings.queueSize,
      }),
    );
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
   * The storage key of a listed object; `undefined` for keys outside the root and for keys other
   * S3 tools can make but stowage never does (folder markers `a/`, empty segments `a//b`, `..`):
   * they cannot be read back through this API, so they are not listed.
   */
  #storageKey(objectKey: string | undefined): string | undefined {
    const key = objectKey === undefined ? undefined : this.#keys.storageKey(objectKey);
    return key !== undefined && isValidKey(key) ? key : undefined;
  }

  async #call<T>(operation: string, path: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toStowageError(error, operation, this.bucket, path);
    }
  }
}

function isValidKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}

/**
 * A multipart ETag (`<md5>-<parts>`) depends on the part size, so the same bytes uploaded twice can
 * carry different ETags; sync then compares such files by modification time instead.
 */
function comparableEtag(stat: FileStat): FileStat {
  if (stat.etag === undefined || !stat.etag.includes("-")) return stat;
  const { etag: _multipart, ...rest } = stat;
  return rest;
}
