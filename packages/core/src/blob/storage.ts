import type { Readable } from "node:stream";
import type { WriteContent, ChunkSource } from "./content.js";
import type { SyncCopier, SyncOptions, SyncReport } from "./sync-types.js";

export type { SyncCompare, SyncCopier, SyncOptions, SyncProgress, SyncReport } from "./sync-types.js";

/**
 * The basic blob tier: five promise-based operations, streaming in both directions.
 *
 * Keys follow {@link validateKey}; every method rejects a bad key with `InvalidPathError` before
 * any I/O. Folders are implicit: they exist while a file lies under them, and never on their own.
 */
export interface SnapshotStorage {
  /**
   * Opens a file for reading. Rejects with `SnapshotNotFoundError` (before any byte is produced)
   * when `path` is not a file. With `options.signal` (see {@link AbortOptions}), an abort destroys
   * the returned stream with `AbortError`.
   */
  read(path: string, options?: ReadOptions): Promise<Readable>;

  /**
   * Replaces the whole file atomically: readers see the old content or the new, never a mix, and
   * until the write resolves readers and listings see the old state. If `content` fails half-way,
   * the write rejects with that error (or one wrapping it as `cause`), the old content (or
   * absence) is kept and nothing new is listed.
   * Parent folders are implicit. Rejects with `SnapshotConflictError` when a key would be both a
   * file and a folder (`a/b` while `a` is a file, or `a` while `a/b` exists). An abort of
   * `options.signal` (see {@link AbortOptions}) is such a failure: it rejects with `AbortError`.
   * `content` is any {@link WriteContent} (bytes, a string, a `Readable`, an iterable of chunks, a
   * web `ReadableStream` or a `Blob`), read through {@link toChunks}; anything else, or a chunk that
   * is not bytes, rejects with a `TypeError` and changes nothing.
   */
  write(path: string, content: WriteContent, options?: WriteOptions): Promise<void>;

  /**
   * One level of folder `prefix` (`""` is the root; a trailing `/` is optional), sorted by
   * {@link compareKeys}: full keys of the files directly inside it, and full keys of its
   * sub-folders with a trailing `/` (`list("a")` may return `["a/b.txt", "a/c/"]`). Prefixes match
   * whole segments: `list("snap")` never shows `snapshot2/...`. A missing folder lists as `[]`.
   */
  list(prefix: string): Promise<string[]>;

  /** Deletes a file. Idempotent: a missing file (or a folder) is not an error and changes nothing. */
  delete(path: string): Promise<void>;

  /** True when `path` is a file; false for folders and missing keys. */
  exists(path: string): Promise<boolean>;
}

/**
 * Cancellation of one blob operation (`read`, `write`, `streamRead`, `streamWrite`), as issue 13
 * asks: an `AbortSignal`, one mechanism for a user's Ctrl-C and a caller's deadline
 * (`AbortSignal.timeout(ms)`).
 */
export interface AbortOptions {
  /**
   * Stops the operation when aborted, promptly (at the next chunk, or while waiting for a slow
   * source or a slow backend request), and rejects with `AbortError` (code `E_ABORTED`) whose
   * `cause` is the signal's reason. An already-aborted signal rejects before any I/O.
   *
   * - Writes: the old content (or absence) is kept, nothing new is listed, and nothing is left
   *   behind: no temporary file (local), no staged content (Redis), no multipart upload (S3). The
   *   source is stopped (a `Readable` is destroyed). A write whose last step (the rename, the
   *   swap, the completing request) has already begun finishes and resolves.
   * - Reads: the stream `read` returned is destroyed with the `AbortError`; `streamRead`'s
   *   iteration throws it. What the backend holds open for the read is released.
   */
  signal?: AbortSignal;
}

/** Options of {@link SnapshotStorage.read}. */
export interface ReadOptions extends AbortOptions {
  /**
   * Hears the file's stat as the read found it, where the backend learns it with the content at no
   * extra cost (S3's GetObject headers carry the `mtime` metadata that its listings lack), once,
   * before `read` resolves. Backends that would need another request do not call it: a caller
   * that must have the stat falls back to `stat()` (sync does, see {@link FileStat.needsStat}).
   * Spares a streamed copy out of S3 its HeadObject, and gives the stat of exactly the bytes read.
   * A listener that throws makes `read` reject with its error, as thrown, once the content is
   * released unread (core's `BlobBackend` does this for every backend built on it).
   */
  onStat?: ((stat: FileStat) => void) | undefined;
}

/**
 * Options of {@link SnapshotStorage.write} and {@link AdvancedSnapshotStorage.streamWrite}.
 */
export interface WriteOptions extends AbortOptions {
  /**
   * The modification time to record for the new content, kept to the millisecond (S3 keeps it as
   * `mtime` user metadata, as rclone does). Default: the time of the write. Sync passes the source
   * file's time, so that the next run can tell an unchanged copy by size and time (rsync's and
   * rclone's quick check). Backends without a notion of time may ignore it.
   */
  mtime?: Date;
  /**
   * The same time in nanoseconds since 1970, for backends that keep finer than a millisecond
   * (local filesystems keep the microsecond, S3 metadata and Redis the nanosecond, as rclone
   * writes them). When both are given, `mtime` must be the floor of `mtimeNs` to the millisecond
   * (`E_INVALID_OPTIONS` otherwise); either alone sets both. Sync passes the source's.
   */
  mtimeNs?: bigint;
  /**
   * The MIME type to record (S3's `Content-Type`, kept as metadata by Redis and memory). A backend
   * that stores types and is given none takes it from the key's extension, as rclone does
   * (`contentTypeFor`). Sync passes the source's where it has one. Must be printable ASCII
   * (`E_INVALID_OPTIONS` otherwise). Backends without types ignore it.
   */
  contentType?: string;
  /**
   * The content's MD5 (32 lowercase hex digits) when the caller knows it before writing: sync
   * passes the source's to a target that asks for it ({@link AdvancedSnapshotStorage.md5WantedFrom}).
   * S3 records it as rclone's `Md5chksum` metadata on multipart uploads (whose ETag is no MD5), so
   * `compare: "checksum"` and `rclone check` can compare them later, and rejects the write with
   * `SnapshotIOError` (`E_IO`), storing nothing, when the bytes it received hash otherwise. Not
   * 32 hex digits: `E_INVALID_OPTIONS`. Backends that keep no MD5 ignore it.
   */
  md5?: string;
  /**
   * `false` when the caller has already ruled out, from a listing of the target, that `path`
   * would be both a file and a folder; then a backend whose conflict check costs requests (S3: a
   * HeadObject per parent folder and a one-key listing) may skip it. The sync engine passes it for
   * the copies its merge cleared (the target's listing shows no file above the path and nothing
   * below it), as rclone trusts its listings. Default `true`; a backend may always check anyway.
   */
  checkConflicts?: boolean;
}

/** What a backend knows about a stored file. */
export interface FileStat {
  /** The file's key. */
  path: string;
  /** Size in bytes. */
  size: number;
  /**
   * The file's modification time: the one given to `write` through {@link WriteOptions.mtime}, or
   * else when its content was last written.
   */
  mtime: Date;
  /**
   * The modification time in nanoseconds since 1970, where the backend keeps finer than a
   * millisecond; `mtime` is its floor to the millisecond. Absent: `mtime` is all there is.
   */
  mtimeNs?: bigint;
  /**
   * How finely the time is kept, in ms: `1` (the default when absent) for the millisecond, `1000`
   * for whole seconds (S3's LastModified, when an object carries no `mtime` metadata), `0.001` for
   * the microsecond (what Node can write to a local file), `0.000001` for the nanosecond. Sync counts
   * two times as equal when they differ by less than the coarser precision of the two sides (rclone's
   * modify window).
   */
  mtimePrecision?: number;
  /** The MIME type the backend keeps for the file (S3's `Content-Type`), where it keeps one. */
  contentType?: string;
  /**
   * The content's MD5, lowercase hex, where the backend knows it without reading the content (S3:
   * a single-part object's ETag, or rclone's `Md5chksum` metadata). What `compare: "checksum"`
   * compares, as rclone's `--checksum` does.
   */
  md5?: string;
  /**
   * Set on listing entries whose `mtime` is not the file's modification time but a stand-in (an S3
   * listing carries the upload time; the preserved time is object metadata that only a HEAD
   * request returns). Sync then calls `stat(path)` for the real time, but only for files whose sizes
   * already match. Never set by `stat`.
   */
  needsStat?: boolean;
  /**
   * An opaque content tag, where the backend has one. Equal etags from the same backend mean equal
   * content; different etags do not prove different content (S3 multipart etags, for instance).
   * The same bytes written the same way get the same etag, so unchanged files can be skipped.
   */
  etag?: string;
}

/**
 * An entry a listing passed over because it is not a file stowage can address: a symbolic link
 * (local filesystems never follow them), a FIFO, socket or device, or a name that is not a valid key.
 */
export interface SkippedEntry {
  /** The entry's key, or its best readable rendering when the name is not a valid key. */
  path: string;
  /** Why it was passed over. */
  reason: "link" | "special" | "invalid-name";
}

/** Options of {@link AdvancedSnapshotStorage.streamList} and {@link walkFiles}. */
export interface StreamListOptions {
  /** Called for each entry the listing passes over (see {@link SkippedEntry}), so that nothing is dropped silently. */
  onSkip?: (entry: SkippedEntry) => void;
  /**
   * Asked, with a sub-folder's full key (no trailing slash), before a listing that walks folders
   * reads it: `false` means nothing below it is wanted, so the listing passes over the whole
   * subtree without reading it (a sync's filter uses this to save the walk of an excluded
   * `node_modules/`). Core's basic-tier walk and the local backend honour it; flat listings (S3,
   * Redis, memory) may ignore it, so a caller still filters the entries it gets.
   */
  descend?: (folderKey: string) => boolean;
}

/** Options of {@link AdvancedSnapshotStorage.streamRead}. */
export interface StreamReadOptions extends AbortOptions {
  /** Bytes per yielded chunk (the last may be shorter). Defaults to the backend's `chunkSize`. */
  chunkSize?: number;
}

/**
 * The advanced blob tier: chunked streaming, atomic moves, deep listings, stat and mirroring.
 */
export interface AdvancedSnapshotStorage extends SnapshotStorage {
  /**
   * Yields the file in chunks of exactly `chunkSize` bytes (the last one shorter; an empty file
   * yields nothing). A missing file fails the first iteration with `SnapshotNotFoundError`; a
   * `chunkSize` that is not a positive integer fails with `RangeError`; an abort of
   * `options.signal` fails the iteration with `AbortError` (see {@link AbortOptions}).
   */
  streamRead(path: string, options?: StreamReadOptions): AsyncIterable<Uint8Array>;

  /**
   * Same contract as {@link SnapshotStorage.write}, from a (sync or async) iterable of chunks, a
   * web `ReadableStream` or a `Blob` (a {@link ChunkSource}).
   */
  streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void>;

  /**
   * Moves a file. The destination appears whole or not at all, and an existing destination is
   * replaced. Rejects with `SnapshotNotFoundError` when `src` is not a file; moving a file onto
   * itself does nothing.
   */
  atomicMove(src: string, dst: string): Promise<void>;

  /**
   * Every file key under folder `prefix`, at any depth, sorted by {@link compareKeys} (the seed's
   * API: an array; {@link streamList} is the same listing with bounded memory).
   */
  recursiveList(prefix: string): Promise<string[]>;

  /**
   * Every file under folder `prefix`, at any depth, with its stat, sorted by {@link compareKeys}
   * and yielded lazily: nothing is read before the first `next()`, pages (or folders) are fetched
   * as they are consumed, and memory stays bounded by a page or by folder depth, never by the size
   * of the tree. Leaving the loop early releases what the listing holds. Agrees with
   * {@link recursiveList}. Entries a backend cannot address (links, special files) are passed over
   * and reported to `options.onSkip`. A missing folder yields nothing.
   */
  streamList(prefix: string, options?: StreamListOptions): AsyncIterable<FileStat>;

  /** Size, modification time and etag of a file; `SnapshotNotFoundError` when it is missing. */
  stat(path: string): Promise<FileStat>;

  /**
   * Mirrors folder `srcPrefix` onto folder `dstPrefix` like `rclone sync`: copies new and changed
   * files (carrying their modification times), skips up-to-date ones, deletes target files missing
   * from the source (unless `deleteExtraneous: false`) once every copy succeeded. Nothing is
   * deleted if any copy failed (`SyncError`, code `E_SYNC`). Overlapping prefixes are rejected with
   * `InvalidPathError` (`E_INVALID_PATH`) before anything happens. Memory is bounded by
   * `concurrency`, `checkers` and folder depth, never by the number of files. Same as
   * `syncStorages(this, srcPrefix, this, dstPrefix, options)`.
   */
  sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport>;

  /**
   * Optional. A {@link SyncCopier} when this storage can copy files from `source` natively (both
   * are instances of one backend that reach each other: two roots on one host, one S3 endpoint
   * and account, one Redis server), else `undefined`. {@link syncStorages} asks the target once
   * per sync; with no copier, files stream through `source.read` and `target.write`.
   */
  syncCopier?(source: SnapshotStorage): SyncCopier | undefined;

  /**
   * Optional. The MD5 (lowercase hex) of file `path`'s content where this backend can give it
   * without sending the content over a network: kept metadata (S3's single-part ETag or rclone's
   * `Md5chksum`), or a read of a local file; `undefined` when it cannot. What `compare:
   * "checksum"` asks before it falls back to downloading. Rejects with `SnapshotNotFoundError`
   * (`E_NOT_FOUND`) when the file is missing, `AbortError` (`E_ABORTED`) when `signal` fires.
   */
  md5?(path: string, options?: AbortOptions): Promise<string | undefined>;

  /**
   * Optional. Files of this many bytes or more are best written with {@link WriteOptions.md5}
   * given: S3's multipart uploads (above its part size) fix their metadata before the content is
   * read, so only a caller that knows the MD5 beforehand can have it recorded. Sync then asks the
   * source for it (its listing's, or its backend's `md5()`: a local file is read once more, as
   * rclone reads it before a multipart upload).
   */
  readonly md5WantedFrom?: number;
}

/** The default chunk size of streaming reads: 256 KiB, as in django-snapshots. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
