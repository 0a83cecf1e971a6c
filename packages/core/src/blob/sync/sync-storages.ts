import { TaskPool } from "../../concurrency.js";
import { isStowageError, SnapshotConflictError, throwIfAborted } from "../../errors.js";
import { integerOption, positiveInteger } from "../../options.js";
import { backendName, isAdvancedSnapshotStorage } from "../guards.js";
import { joinKey, normalizePrefix } from "../path.js";
import type { FileStat, SnapshotStorage, SyncCopier, SyncOptions, SyncProgress, SyncReport } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { resolveBackupDir } from "./backup-dir.js";
import { countFolder } from "./excluded-folders.js";
import { SyncFilter } from "./filter.js";
import { mergeListings, type MergedPath } from "./merge.js";
import { mergeSide } from "./merge-side.js";
import { exactEntry, settleVerdict } from "./settle.js";
import { SyncBackup } from "./sync-backup.js";
import { refuseSyncOverlap } from "./sync-overlap.js";
import { MAX_LISTED_FAILURES, SyncError, type SyncFailure } from "./sync-error.js";
import { copyStamp, streamCopy, wantedMd5 } from "./stream-copy.js";
import { ExtrasSpool } from "./extras-spool.js";
import { syncVerdict, type VerdictRule } from "./verdict.js";
import { unkeyable } from "./unkeyable.js";

/** Extra target files kept in memory for the delete pass; past this many they go to a spool file. */
const EXTRAS_IN_MEMORY = 10_000;
/** The most files in flight a copier's {@link SyncCopier.queueDepth} may ask for. */
const MAX_QUEUE_DEPTH = 1024;

/**
 * Mirrors folder `sourcePrefix` of `source` onto folder `targetPrefix` of `target`, like
 * `rclone sync`, between any two backends (either tier), and between two instances of one.
 *
 * - Both sides are listed as sorted streams ({@link walkFiles}) and merged side by side, so memory
 *   is bounded by `concurrency` (or, when not given, the copier's `queueDepth`) and `checkers`, a read-ahead of about a thousand entries per side and folder
 *   depth, never by the number of files. Each file is decided by {@link syncVerdict}.
 * - Copies carry the source's modification time ({@link WriteOptions.mtime}). When the target
 *   offers a {@link SyncCopier} for this source (the same backend, reachable natively), copies
 *   stay inside the backend; otherwise bytes stream from `source.read` to `target.write`.
 * - Extra target files are deleted after every copy succeeded; if any failed, nothing is deleted
 *   and the sync rejects with {@link SyncError} (`E_SYNC`). A listing of either side that fails
 *   part-way (a folder that vanished while it was walked, a failed page) deletes nothing either:
 *   the copies in flight finish and the sync rejects with the listing's error, as the backend
 *   typed it (`E_IO`, `E_UNAVAILABLE`, ...; rclone: "not deleting files as there were IO
 *   errors"). The delete pass deletes only what the one merge found extra (kept in
 *   a temporary spool file past 10,000), never what a second look finds. With `maxDelete`, they
 *   are counted first (all of them), and more than `maxDelete` rejects with `SyncError` of stage
 *   `max-delete`; the delete pass never deletes more than `maxDelete` files.
 * - With `backupDir`, the old version of every target file that is overwritten or deleted is first
 *   saved there (`SyncBackup`): the target file changes only once its old version is whole
 *   in the backup folder, and a failed backup fails that file (a {@link SyncFailure} of step
 *   `backup`), leaving the target file as it was.
 * - `filter` rules leave files out on both sides; each side's listing is asked not to walk folders
 *   the rules exclude whole ({@link StreamListOptions.descend}).
 * - Rejects a bad `concurrency`, `checkers`, `maxDelete` or `backupDir` (see `resolveBackupDir`) with
 *   `InvalidOptionsError` (`E_INVALID_OPTIONS`) before any I/O; then, before any write, folders
 *   that overlap by place (`refuseSyncOverlap`: one storage object's prefixes, or what two
 *   backends' `place()` say): source and target with `InvalidPathError` (`E_INVALID_PATH`), the
 *   backup folder with either with `InvalidOptionsError`; a target or backup folder nested in a
 *   side where `filter` excludes it is allowed, as in rclone. A listing that breaks the order or
 *   strays outside its folder rejects with `SnapshotIOError` (`E_IO`), before deleting anything.
 *
 * Resolves with counts; paths reach `options.onProgress`.
 */
export async function syncStorages(
  source: SnapshotStorage,
  sourcePrefix: string,
  target: SnapshotStorage,
  targetPrefix: string,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const from = normalizePrefix(sourcePrefix);
  const to = normalizePrefix(targetPrefix);
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 8, "sync");
  const checkers = positiveInteger("checkers", options.checkers ?? 2 * concurrency, "sync");
  if (options.maxDelete !== undefined) integerOption("maxDelete", options.maxDelete, 0, Number.MAX_SAFE_INTEGER, "sync");
  const backupDir = options.backupDir === undefined ? undefined : resolveBackupDir(options.backupDir);
  const folders = { source: { storage: source, prefix: from }, target: { storage: target, prefix: to } };
  await refuseSyncOverlap(backupDir === undefined ? folders : { ...folders, backup: { storage: backupDir.storage, prefix: backupDir.prefix } }, options.filter);
  const backup = backupDir === undefined ? undefined : new SyncBackup(backupDir, target, options.signal);
  const run = new SyncRun(source, from, target, to, options, concurrency, checkers, backup);
  try {
    return await run.execute();
  } finally {
    await backup?.finish();
  }
}

/** One running sync: its counters, its pool of file tasks and its failures. */
class SyncRun {
  readonly #report: SyncReport;
  readonly #rule: VerdictRule;
  #pool: TaskPool;
  /** Comparisons that need requests of their own (rclone's checkers). */
  readonly #checks: TaskPool;
  readonly #failures: SyncFailure[] = [];
  #failureCount = 0;
  #events = 0;
  /** Extra target files, each with its listing entry (a backup needs its size and time). */
  readonly #extras = new ExtrasSpool(EXTRAS_IN_MEMORY);
  readonly #filter: SyncFilter | undefined;
  #copier: SyncCopier | undefined;

  constructor(
    private readonly source: SnapshotStorage,
    private readonly from: string,
    private readonly target: SnapshotStorage,
    private readonly to: string,
    private readonly options: SyncOptions,
    private readonly concurrency: number,
    checkers: number,
    private readonly backup: SyncBackup | undefined,
  ) {
    this.#report = { copied: 0, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 0, dryRun: options.dryRun === true };
    this.#filter = options.filter === undefined || options.filter.length === 0 ? undefined : new SyncFilter(options.filter, { onPrune: () => countFolder(this.#report) });
    this.#rule = { compare: options.compare ?? "auto", sameKind: backendName(source) === backendName(target) };
    this.#pool = new TaskPool(concurrency, (error) => this.#fail("", error));
    this.#checks = new TaskPool(checkers, (error) => this.#fail("", error));
  }

  async execute(): Promise<SyncReport> {
    const { dryRun = false, deleteExtraneous = true, signal } = this.options;
    throwIfAborted(signal, "the sync");
    this.#copier = dryRun || !isAdvancedSnapshotStorage(this.target) ? undefined : this.target.syncCopier?.(this.source);
    const depth = this.#copier?.queueDepth;
    if (this.options.concurrency === undefined && depth !== undefined && Number.isSafeInteger(depth) && depth > this.concurrency) {
      this.#pool = new TaskPool(Math.min(depth, MAX_QUEUE_DEPTH), (error) => this.#fail("", error));
    }
    try {
      let listingFailure: { error: unknown } | undefined;
      try {
        await this.#merge((merged) => {
          throwIfAborted(signal, "the sync");
          if (merged.source !== undefined) return this.#handleSource(merged, merged.source);
          if (!deleteExtraneous) return undefined;
          return this.#extras.add({ path: merged.path, entry: merged.target as ListedFile });
        });
      } catch (error) {
        listingFailure = { error };
      } finally {
        // Checks go first: a check that finds a change starts a copy.
        await this.#checks.drain();
        await this.#pool.drain();
        await this.#copier?.finish();
      }
      // Copies cut short by an abort are failures of the abort, not of the copies.
      throwIfAborted(signal, "the sync");
      if (listingFailure !== undefined) throw listingFailure.error;
      if (this.#failureCount > 0) throw new SyncError(this.#report, this.#failures, this.#failureCount, "copy");
      if (!deleteExtraneous) return this.#report;
      const { maxDelete } = this.options;
      if (maxDelete !== undefined && this.#extras.count > maxDelete) {
        throw new SyncError(this.#report, "max-delete", this.#extras.count, maxDelete);
      }
      await this.#deleteExtras(maxDelete ?? Number.POSITIVE_INFINITY);
      return this.#report;
    } finally {
      await this.#extras.dispose();
    }
  }

  /**
   * Lists both sides, read ahead side by side, and merges into `visit` the paths the filter keeps,
   * counting what the source passes over and what the filter leaves out.
   */
  async #merge(visit: (merged: MergedPath) => void | Promise<void>): Promise<void> {
    const filter = this.#filter;
    const cut = this.from === "" ? 0 : this.from.length + 1;
    const onSkip = (entry: { path: string; reason: SyncProgress["reason"] }): void => {
      const path = entry.path.slice(cut);
      if (filter !== undefined && !filter.includes(path)) return this.#exclude(path);
      this.#ignore(path, entry.reason);
    };
    const source = mergeSide(this.source, this.from, filter, onSkip);
    const target = mergeSide(this.target, this.to, filter, undefined);
    const filtered =
      filter === undefined
        ? visit
        : (merged: MergedPath) => {
            if (filter.includes(merged.path)) return visit(merged);
            this.#exclude(merged.path);
            return undefined;
          };
    try {
      await mergeListings(source, target, filtered);
    } finally {
      await Promise.all([source.listing.close(), target.listing.close()]);
    }
  }

  /** Decides one source file; returns a promise only when it must wait for room in the pool. */
  #handleSource(merged: MergedPath, entry: ListedFile): Promise<void> | undefined {
    const { path, target: existing } = merged;
    if (merged.conflict !== undefined) {
      this.#fail(path, new SnapshotConflictError(joinKey(this.to, path), merged.conflict));
      return undefined;
    }
    if (unkeyable(entry.path, this.to, path)) {
      this.#ignore(path, "invalid-name");
      return undefined;
    }
    const verdict = syncVerdict(entry, existing, this.#rule);
    if (verdict === "skip") {
      this.#report.skipped++;
      this.#emit("skip", path, entry.size ?? 0);
      return undefined;
    }
    if (verdict === "copy") return this.#pool.run(() => this.#guarded(path, () => this.#transfer(path, entry, existing)));
    // A comparison that needs requests of its own takes a checker; a file found changed then waits for a copy slot.
    return this.#checks.run(() =>
      this.#guarded(path, async () => {
        const source = await this.#settle(path, entry, existing, verdict);
        if (source !== undefined) await this.#pool.run(() => this.#guarded(path, () => this.#transfer(path, source, existing)));
      }),
    );
  }

  /** Runs `work` for `path`, failing the path with what it throws. */
  async #guarded(path: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // A source file deleted since it was listed simply drops out of this sync.
      if (!isStowageError(error, "E_NOT_FOUND")) this.#fail(path, error);
    }
  }

  /**
   * Finishes what the listings could not decide alone: resolves with the source entry (as last
   * seen) when the file must be copied, else counts it as skipped.
   */
  async #settle(path: string, entry: ListedFile, existing: ListedFile | undefined, listed: "check" | "stat"): Promise<ListedFile | undefined> {
    const target = existing && { storage: this.target, entry: existing };
    const { verdict, source, downloads } = await settleVerdict(listed, { storage: this.source, entry }, target, this.#rule, this.options.signal);
    if (downloads > 0) this.#report.downloadedToCompare = (this.#report.downloadedToCompare ?? 0) + downloads;
    if (verdict === "copy") return source;
    this.#report.skipped++;
    this.#emit("skip", path, source.size ?? 0);
    return undefined;
  }

  /** Backs up the target's old version (when asked), then copies. */
  async #transfer(path: string, source: ListedFile, existing: ListedFile | undefined): Promise<void> {
    if (existing !== undefined) {
      try {
        await this.#backUp(path, existing, false);
      } catch (error) {
        this.#fail(path, error, "backup");
        return;
      }
    }
    const bytes = this.#report.dryRun ? Math.max(source.size ?? 0, 0) : await this.#copy(path, source);
    this.#report.copied++;
    this.#report.bytesCopied += bytes;
    this.#emit("copy", path, bytes);
  }

  /** Copies one file, natively or streamed, carrying its modification time; resolves with its size. */
  async #copy(path: string, entry: ListedFile): Promise<number> {
    const targetKey = joinKey(this.to, path);
    // A streamed copy takes a stand-in time's real value from its read (S3's GET), not from a stat first.
    const stat = this.#copier === undefined ? entry : await exactEntry(this.source, entry);
    if (this.#copier !== undefined && stat.size !== undefined && stat.mtime !== undefined) {
      await this.#copier.copy(stat.path, targetKey, stat as FileStat);
      return stat.size;
    }
    const flowed = await streamCopy(this.source, stat.path, this.target, targetKey, {
      ...copyStamp(stat),
      standIn: stat.needsStat === true ? stat : undefined,
      md5: await wantedMd5(this.source, stat, this.target, this.options.signal),
      signal: this.options.signal,
      // The merge found no conflict for this path in the target's listing (conflicts fail before).
      checkConflicts: false,
    });
    return stat.size ?? flowed;
  }

  /**
   * Saves the target's old version of `path` in the backup folder before a copy replaces it or the
   * delete pass deletes it (a dry run only counts). Resolves with `true` when it was moved there,
   * so that nothing is left to delete; rejects when the backup failed (the target file is intact).
   */
  async #backUp(path: string, entry: ListedFile, beforeDelete: boolean): Promise<boolean> {
    const backup = this.backup;
    if (backup === undefined) return false;
    if (this.#report.dryRun) {
      this.#backedUp(path, entry.size ?? 0);
      return false;
    }
    const outcome = beforeDelete ? await backup.move(path, entry.path, entry) : { ...(await backup.copy(path, entry.path, entry)), moved: false };
    if (outcome.saved) this.#backedUp(path, outcome.bytes);
    return outcome.moved;
  }

  #backedUp(path: string, bytes: number): void {
    this.#report.backedUp++;
    this.#emit("backup", path, bytes);
  }

  #ignore(path: string, reason: SyncProgress["reason"]): void {
    this.#report.ignored++;
    this.#emit("ignore", path, 0, reason);
  }

  #exclude(path: string): void {
    this.#report.excluded++;
    this.#emit("exclude", path, 0);
  }

  /**
   * rclone's delete-after: runs only once every copy succeeded, over exactly the extras the merge
   * found, and starts at most `limit` deletes. A dry run only counts.
   */
  async #deleteExtras(limit: number): Promise<void> {
    const dryRun = this.#report.dryRun;
    let started = 0;
    const remove = (path: string, entry: ListedFile): Promise<void> | undefined => {
      throwIfAborted(this.options.signal, "the sync");
      if (started++ >= limit) return undefined;
      return this.#pool.run(async () => {
        let moved: boolean;
        try {
          moved = await this.#backUp(path, entry, true);
        } catch (error) {
          this.#fail(path, error, "backup");
          return;
        }
        try {
          if (!dryRun && !moved) await this.target.delete(entry.path);
          this.#report.deleted++;
          this.#emit("delete", path, 0);
        } catch (error) {
          this.#fail(path, error);
        }
      });
    };
    try {
      for await (const { path, entry } of this.#extras.entries()) await remove(path, entry);
    } finally {
      await this.#pool.drain();
    }
    if (this.#failureCount > 0) throw new SyncError(this.#report, this.#failures, this.#failureCount, "delete");
  }

  #emit(action: SyncProgress["action"], path: string, bytes: number, reason?: SyncProgress["reason"]): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) {
      this.#events++;
      return;
    }
    const event: SyncProgress = { action, path, bytes, done: ++this.#events };
    if (reason !== undefined) event.reason = reason;
    onProgress(event);
  }

  #fail(path: string, error: unknown, step?: SyncFailure["step"]): void {
    this.#failureCount++;
    if (this.#failures.length < MAX_LISTED_FAILURES) this.#failures.push(step === undefined ? { path, error } : { path, error, step });
  }
}
