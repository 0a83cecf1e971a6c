import type { Readable } from "node:stream";
import type { WriteContent, ChunkSource } from "./content.js";

/**
 * The basic blob tier: five promise-based operations, streaming in both directions.
 *
 * Keys follow {@link validateKey}; every method rejects a bad key with `InvalidPathError` before
 * any I/O. Folders are implicit: they exist while a file lies under them, and never on their own.
 */
export interface SnapshotStorage {
  /**
   * Opens a file for reading. Rejects with `SnapshotNotFoundError` (before any byte is produced)
   * when `path` is not a file.
   */
  read(path: string): Promise<Readable>;

  /**
   * Replaces the whole file atomically: readers see the old content or the new, never a mix, and
   * until the write resolves readers and listings see the old state. If `content` fails half-way,
   * the write rejects with that error (or one wrapping it as `cause`), the old content (or
   * absence) is kept and nothing new is listed.
   * Parent folders are implicit. Rejects with `SnapshotConflictError` when a key would be both a
   * file and a folder (`a/b` while `a` is a file, or `a` while `a/b` exists).
   */
  write(path: string, content: WriteContent): Promise<void>;

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

/** What a backend knows about a stored file. */
export interface FileStat {
  /** The file's key. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** When the content was last written. */
  mtime: Date;
  /**
   * An opaque content tag, where the backend has one. Equal etags from the same backend mean equal
   * content; different etags do not prove different content (S3 multipart etags, for instance).
   * The same bytes written the same way get the same etag, so unchanged files can be skipped.
   */
  etag?: string;
}

/** Options of {@link AdvancedSnapshotStorage.streamRead}. */
export interface StreamReadOptions {
  /** Bytes per yielded chunk (the last may be shorter). Defaults to the backend's `chunkSize`. */
  chunkSize?: number;
}

/** How {@link AdvancedSnapshotStorage.sync} decides that a target file is already up to date. */
export type SyncCompare =
  /** Sizes differ: copy. Both etags known: equal means skip. Otherwise skip when the target is not older. */
  | "auto"
  /** Equal size is enough to skip. Fast, and wrong when content changes but size does not. */
  | "size"
  /** Skip only when a SHA-256 of both contents matches (reads both files). */
  | "checksum";

/** Options of {@link AdvancedSnapshotStorage.sync} and {@link syncStorages}. */
export interface SyncOptions {
  /** Delete target files that have no source counterpart (rclone sync). Default `true`. */
  deleteExtraneous?: boolean;
  /** Plan and report, change nothing. Default `false`. */
  dryRun?: boolean;
  /** Comparison rule. Default `"auto"`. */
  compare?: SyncCompare;
  /** Copies (and deletes) in flight at once. Default 8. */
  concurrency?: number;
  /** Called after each file is copied, skipped or deleted. */
  onProgress?: (event: SyncProgress) => void;
  /**
   * Called once with what the sync is about to do (the report a dry run would return), after
   * planning and before any file is copied or deleted: lets a caller show totals up front.
   */
  onPlan?: (plan: SyncReport) => void;
}

/** One step of a running sync. */
export interface SyncProgress {
  /** What happened to the file. */
  action: "copy" | "skip" | "delete";
  /** The file, relative to both prefixes. */
  path: string;
  /** Bytes of this file (0 for deletes). */
  bytes: number;
  /** Files handled so far, and in all. */
  done: number;
  total: number;
}

/** What a sync did (or, for a dry run, would do). Paths are relative to both prefixes, sorted. */
export interface SyncReport {
  copied: string[];
  skipped: string[];
  deleted: string[];
  /**
   * Bytes copied. A dry run from a source without `stat` (basic tier) cannot know sizes without
   * reading, and counts those files as 0; the real run counts the bytes that flowed.
   */
  bytesCopied: number;
  /** True when nothing was changed because `dryRun` was set. */
  dryRun: boolean;
}

/**
 * The advanced blob tier: chunked streaming, atomic moves, deep listings, stat and mirroring.
 */
export interface AdvancedSnapshotStorage extends SnapshotStorage {
  /**
   * Yields the file in chunks of exactly `chunkSize` bytes (the last one shorter; an empty file
   * yields nothing). A missing file fails the first iteration with `SnapshotNotFoundError`; a
   * `chunkSize` that is not a positive integer fails with `RangeError`.
   */
  streamRead(path: string, options?: StreamReadOptions): AsyncIterable<Uint8Array>;

  /** Same contract as {@link SnapshotStorage.write}, from a (sync or async) iterable of chunks. */
  streamWrite(path: string, chunks: ChunkSource): Promise<void>;

  /**
   * Moves a file. The destination appears whole or not at all, and an existing destination is
   * replaced. Rejects with `SnapshotNotFoundError` when `src` is not a file; moving a file onto
   * itself does nothing.
   */
  atomicMove(src: string, dst: string): Promise<void>;

  /** Every file key under folder `prefix`, at any depth, sorted by {@link compareKeys}. */
  recursiveList(prefix: string): Promise<string[]>;

  /** Size, modification time and etag of a file; `SnapshotNotFoundError` when it is missing. */
  stat(path: string): Promise<FileStat>;

  /**
   * Mirrors folder `srcPrefix` onto folder `dstPrefix` like `rclone sync`: copies new and changed
   * files, skips identical ones, deletes target files missing from the source (unless
   * `deleteExtraneous: false`). Nothing is deleted if any copy failed (`SyncError`). Overlapping
   * prefixes are rejected with `InvalidPathError` before anything happens.
   */
  sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport>;
}

/** The default chunk size of streaming reads: 256 KiB, as in django-snapshots. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
