import type { FileStat, SkippedEntry } from "./storage.js";
import type { SyncBackupDir } from "./sync/backup-dir.js";
import type { SyncFilterRule } from "./sync/filter.js";

// The mirror's options, progress, report and native copier: the sync half of the blob protocols
// (storage.ts holds the storage half and re-exports these).

/**
 * How a sync decides that a target file is already up to date. In every mode a file whose size
 * differs is copied.
 */
export type SyncCompare =
  /**
   * rsync's and rclone's quick check: skip when size and modification time are equal (within the
   * coarser {@link FileStat.mtimePrecision} of the two sides). A file rolled back to an older copy of
   * the same size is copied. Where both sides are the same kind of backend and both have etags,
   * different etags also mean "copy".
   */
  | "auto"
  /** Equal size is enough to skip. Fast, and wrong when content changes but size does not. */
  | "size"
  /**
   * rclone's `--checksum`: skip only when sizes and MD5s match. Each side's MD5 comes from its
   * listing ({@link FileStat.md5}) or its backend's `md5()` (S3 metadata; a local file is read, as
   * rclone reads it); only a side with neither is downloaded and hashed, and
   * {@link SyncReport.downloadedToCompare} counts those.
   */
  | "checksum";

/** Options of {@link AdvancedSnapshotStorage.sync} and {@link syncStorages}. */
export interface SyncOptions {
  /**
   * Stops the sync when aborted: no copy or delete starts after the abort, the copies already in
   * flight finish (each whole or not at all, as any write), nothing is deleted unless the delete
   * pass had begun, and the sync rejects with `AbortError` (`E_ABORTED`, the signal's reason as
   * `cause`). `onProgress` has heard about everything done until then.
   */
  signal?: AbortSignal;
  /** Delete target files that have no source counterpart (rclone sync), after every copy succeeded. Default `true`. */
  deleteExtraneous?: boolean;
  /** Decide and report, change nothing. Default `false`. */
  dryRun?: boolean;
  /** Comparison rule. Default `"auto"`. */
  compare?: SyncCompare;
  /**
   * Files compared, copied or deleted at once (rclone's `--transfers`). Default 8, or the target's
   * copier's {@link SyncCopier.queueDepth} when that is larger; a value given here is kept as is.
   */
  concurrency?: number;
  /**
   * Files compared at once where the comparison needs requests of its own (rclone's `--checkers`):
   * a `stat()` for a listing's stand-in time (S3's kept mtime, see {@link FileStat.needsStat}), or
   * an MD5 for `compare: "checksum"`. A file found changed then waits for one of the
   * `concurrency` slots to be copied. Default: twice `concurrency` (16), as rclone runs more
   * checkers than transfers: a no-op into S3 is about 6 % faster at 16 than at 8 on 10,000 files.
   * Not a positive integer: `InvalidOptionsError` (`E_INVALID_OPTIONS`).
   */
  checkers?: number;
  /**
   * Called for every file as it is copied, skipped, deleted or ignored (in the order they finish,
   * not sorted): the way to see paths, since the report holds only counts.
   */
  onProgress?: (event: SyncProgress) => void;
  /**
   * rclone's filter rules (`--include`, `--exclude`, `--filter`), in order, first match wins; see
   * {@link SyncFilterRule} for the glob syntax and anchoring. A path that no rule matches is
   * included, unless some rule is an `include` (then it is excluded, as rclone's implicit `- /**`
   * after `--include`). {@link rcloneFilterRules} builds the rules of rclone's flags. Excluded files
   * are neither copied nor deleted, on either side, and are counted as {@link SyncReport.excluded}.
   * A folder whose whole subtree is excluded is not read by folder-walking listings (see
   * {@link StreamListOptions.descend}). Default: no rules, every file takes part.
   */
  filter?: readonly SyncFilterRule[];
  /**
   * rclone's `--max-delete`: when the sync would delete more than this many target files, it
   * deletes none (the copies still happen) and rejects with {@link SyncError} of
   * `stage: "max-delete"` (code `E_SYNC`), whose `deleteCount` says how many it would have deleted.
   * A dry run rejects likewise. A non-negative integer; default: no limit.
   */
  maxDelete?: number;
  /**
   * rclone's `--backup-dir` (with `--suffix`): every target file the sync would overwrite or delete
   * is first saved in this folder, under its key relative to the target folder (plus the suffix),
   * keeping its modification time; an existing backup of that key is replaced.
   *
   * - Before an overwrite, the old version is copied (natively where the backup storage offers a
   *   {@link SyncCopier} for the target, else streamed), and the target file is replaced only
   *   once that copy is whole. Before a delete, it is moved with `atomicMove` when the backup
   *   storage is the target object itself and advanced, else copied, then deleted.
   * - A backup that fails fails that file's copy or delete (a {@link SyncFailure} with
   *   `step: "backup"`, in a {@link SyncError}); the target file stays as it was.
   * - Counted as {@link SyncReport.backedUp}, with a `backup` progress event before the file's
   *   `copy` or `delete` event. A dry run saves nothing and counts what it would save.
   * - Works between any two backends. A backup folder that overlaps the target or source folder of
   *   the same storage object is rejected with `InvalidOptionsError` (`E_INVALID_OPTIONS`) before
   *   any I/O.
   *
   * Default: none, old versions are not kept.
   */
  backupDir?: SyncBackupDir;
}

/** One step of a running sync. */
export interface SyncProgress {
  /**
   * What happened: `ignore` is a source entry that is not a file stowage can copy (see
   * {@link SkippedEntry}); `exclude` a file of either side left out by {@link SyncOptions.filter};
   * `backup` a target file's old version saved in {@link SyncOptions.backupDir}, just before its
   * `copy` or `delete`. In a dry run, `copy`, `delete` and `backup` say what would happen.
   */
  action: "copy" | "skip" | "delete" | "backup" | "ignore" | "exclude";
  /** The file, relative to both prefixes. */
  path: string;
  /**
   * Bytes of this file: 0 for deletes and ignored entries; for a copy from a basic-tier source, what
   * flowed; for a backup, the old version's size where known (else what flowed, or 0 for a move or
   * a dry run that did not know it).
   */
  bytes: number;
  /** Events so far, this one included. */
  done: number;
  /** For `ignore`: why the entry was passed over. */
  reason?: SkippedEntry["reason"];
}

/**
 * What a sync did (or, for a dry run, would do): counts only, so that a report's size never grows
 * with the tree. Paths reach {@link SyncOptions.onProgress}.
 */
export interface SyncReport {
  /** Files copied (or that a dry run would copy). */
  copied: number;
  /** Files found up to date. */
  skipped: number;
  /** Target files deleted (or that a dry run would delete). */
  deleted: number;
  /**
   * Old versions of target files saved in {@link SyncOptions.backupDir} before they were
   * overwritten or deleted (or that a dry run would save); 0 without a backup folder.
   */
  backedUp: number;
  /** Source entries passed over: symbolic links, special files, names that are not valid keys. */
  ignored: number;
  /**
   * Files left out by {@link SyncOptions.filter}, on either side (a path on both sides counts
   * once). Files in a folder that a walk passed over unread (see {@link StreamListOptions.descend})
   * are not seen, so not counted: the same sync may count more against a flat listing (S3) than
   * against a folder walk (local).
   */
  excluded: number;
  /**
   * Folders a folder walk skipped whole because the filter's folder rules exclude them (rclone
   * never lists such a folder either): their files are left out but not seen, so not in
   * {@link excluded}. Absent when no folder was skipped (so reports of unfiltered syncs keep
   * their shape). A folder skipped on both sides counts once.
   */
  excludedFolders?: number;
  /**
   * Bytes copied. A dry run from a source without `stat` (basic tier) cannot know sizes without
   * reading, and counts those files as 0; the real run counts the bytes that flowed.
   */
  bytesCopied: number;
  /** True when nothing was changed because `dryRun` was set. */
  dryRun: boolean;
  /**
   * Files read in full only to hash them, because their backend knows no MD5 (`compare:
   * "checksum"`, or a basic-tier side without sizes). Absent when none.
   */
  downloadedToCompare?: number;
}

/**
 * A target's way to bring files in from a source during a sync without the bytes passing through
 * the sync engine: a server-side copy on one S3 endpoint, a kernel copy (reflink) between two local
 * roots, a reference copy on one Redis server. Returned by {@link AdvancedSnapshotStorage.syncCopier}.
 */
export interface SyncCopier {
  /**
   * Copies `sourceKey` of the source onto `targetKey` of this storage, atomically (like `write`),
   * carrying `source.mtime` as the copy's modification time. The sync engine has already ruled
   * out file/folder conflicts that the target's listing shows.
   */
  copy(sourceKey: string, targetKey: string, source: FileStat): Promise<void>;
  /**
   * Optional. Copies this copier wants in flight at once to keep its own workers busy (a local
   * copier's threads take them in batches). A sync whose `concurrency` was not given keeps up to
   * the larger of this and 8 files in flight (at most 1,024).
   */
  readonly queueDepth?: number;
  /**
   * Called once when the sync's copies are over (all succeeded or not): makes them durable (one
   * folder fsync per folder instead of one per file) and releases what the copier holds.
   */
  finish(): Promise<void>;
}
