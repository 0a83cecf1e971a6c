import { isStowageError } from "../../errors.js";
import { isAdvancedSnapshotStorage } from "../guards.js";
import { validateKey } from "../path.js";
import type { FileStat, SnapshotStorage, SyncCopier } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { resolvedBackupKey, type ResolvedBackupDir } from "./backup-dir.js";
import { exactEntry } from "./settle.js";
import { copyStamp, streamCopy } from "./stream-copy.js";

/** What saving one old version did: `saved` is false when the target file had vanished meanwhile. */
export interface BackupOutcome {
  saved: boolean;
  /** Bytes of the old version, where known (0 for a move of a file whose listing had no size). */
  bytes: number;
}

/**
 * Saves the old versions of a sync's target files in its backup folder, one file at a time, before
 * the sync overwrites or deletes them ({@link SyncOptions.backupDir}).
 *
 * - {@link copy} (before an overwrite) leaves the target file in place: natively through the
 *   backup storage's {@link SyncCopier} for the target where it offers one (a reflink, a
 *   server-side copy, a shared reference), else streamed through `read` and `write`; either
 *   way it resolves only once the copy is whole in the backup storage (writes are atomic).
 * - {@link move} (before a delete) uses `atomicMove` when the backup storage is the target object
 *   and of the advanced tier, else copies and leaves the delete to the sync.
 *
 * Both keep the old version's modification time where the target knows it. Backup keys are
 * checked with {@link validateKey} first (`InvalidPathError`: a suffix can make a segment too
 * long). A native copier is trusted as in a sync: the S3 one, for one, makes no file/folder
 * conflict checks, so a backup folder on S3 whose files stand where later backups need folders
 * (or the reverse) can come to hold both.
 */
export class SyncBackup {
  readonly #dir: ResolvedBackupDir;
  readonly #target: SnapshotStorage;
  readonly #signal: AbortSignal | undefined;
  #copier: SyncCopier | undefined | null = null;

  constructor(dir: ResolvedBackupDir, target: SnapshotStorage, signal: AbortSignal | undefined) {
    this.#dir = dir;
    this.#target = target;
    this.#signal = signal;
  }

  /** True when a delete can be a move into the backup folder (same storage object, advanced tier). */
  get moves(): boolean {
    return this.#dir.storage === this.#target && isAdvancedSnapshotStorage(this.#target);
  }

  /** Copies target file `targetKey` (relative `path`, as the target's listing showed it) to its backup key. */
  async copy(path: string, targetKey: string, listed: ListedFile): Promise<BackupOutcome> {
    // Checked here, before any I/O: a native copier may trust its keys (a suffix can make a segment too long).
    const key = validateKey(resolvedBackupKey(this.#dir, path));
    try {
      const stat = await exactEntry(this.#target, listed);
      const copier = this.#nativeCopier();
      if (copier !== undefined && stat.size !== undefined && stat.mtime !== undefined) {
        await copier.copy(targetKey, key, stat as FileStat);
        return { saved: true, bytes: stat.size };
      }
      const flowed = await streamCopy(this.#target, targetKey, this.#dir.storage, key, { ...copyStamp(stat), signal: this.#signal });
      return { saved: true, bytes: stat.size ?? flowed };
    } catch (error) {
      // A target file deleted since it was listed has no old version to lose.
      if (isStowageError(error, "E_NOT_FOUND") && !(await this.#target.exists(targetKey))) return { saved: false, bytes: 0 };
      throw error;
    }
  }

  /**
   * Saves a target file that the sync is about to delete. Resolves with `moved: true` when it was
   * moved (the target file is gone already), else after a complete copy (the caller deletes).
   */
  async move(path: string, targetKey: string, listed: ListedFile): Promise<BackupOutcome & { moved: boolean }> {
    if (!this.moves || !isAdvancedSnapshotStorage(this.#target)) return { ...(await this.copy(path, targetKey, listed)), moved: false };
    const key = validateKey(resolvedBackupKey(this.#dir, path));
    try {
      await this.#target.atomicMove(targetKey, key);
    } catch (error) {
      if (isStowageError(error, "E_NOT_FOUND") && !(await this.#target.exists(targetKey))) return { saved: false, bytes: 0, moved: true };
      throw error;
    }
    return { saved: true, bytes: listed.size ?? 0, moved: true };
  }

  /** Makes the native copies durable and releases the copier (see {@link SyncCopier.finish}); once, at the end of the sync. */
  async finish(): Promise<void> {
    const copier = this.#copier;
    this.#copier = undefined;
    await copier?.finish();
  }

  #nativeCopier(): SyncCopier | undefined {
    if (this.#copier === null) {
      const storage = this.#dir.storage;
      this.#copier = isAdvancedSnapshotStorage(storage) ? storage.syncCopier?.(this.#target) : undefined;
    }
    return this.#copier;
  }
}
