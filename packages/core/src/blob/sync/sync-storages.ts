import { TaskPool } from "../../concurrency.js";
import { InvalidPathError, isStowageError, SnapshotConflictError, throwIfAborted } from "../../errors.js";
import { integerOption, positiveInteger } from "../../options.js";
import { abortableReadable } from "../abort.js";
import { toChunks, type WriteContent } from "../content.js";
import { backendName, isAdvancedSnapshotStorage } from "../guards.js";
import { joinKey, normalizePrefix, prefixesOverlap } from "../path.js";
import type { FileStat, SnapshotStorage, SyncCopier, SyncOptions, SyncProgress, SyncReport } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { SyncFilter } from "./filter.js";
import { mergeListings, type MergedPath } from "./merge.js";
import { mergeSide } from "./merge-side.js";
import { exactEntry, settleVerdict } from "./settle.js";
import { MAX_LISTED_FAILURES, SyncError, type SyncFailure } from "./sync-error.js";
import { syncVerdict, type VerdictRule } from "./verdict.js";

/**
 * Extra target files remembered for the delete pass. Past this many, the delete pass walks both
 * listings again instead (rclone's delete-after, with memory that does not grow with the tree).
 */
const EXTRAS_REMEMBERED = 10_000;

/**
 * Mirrors folder `sourcePrefix` of `source` onto folder `targetPrefix` of `target`, like
 * `rclone sync`, between any two backends (either tier), and between two instances of one.
 *
 * - Both sides are listed as sorted streams ({@link walkFiles}) and merged side by side, so memory
 *   is bounded by `concurrency`, a read-ahead of about a thousand entries per side and folder
 *   depth, never by the number of files. Each file is decided by {@link syncVerdict}.
 * - Copies carry the source's modification time ({@link WriteOptions.mtime}). When the target
 *   offers a {@link SyncCopier} for this source (the same backend, reachable natively), copies
 *   stay inside the backend; otherwise bytes stream from `source.read` to `target.write`.
 * - Extra target files are deleted after every copy succeeded; if any failed, nothing is deleted
 *   and the sync rejects with {@link SyncError} (`E_SYNC`). With `maxDelete`, they are counted
 *   first (all of them), and more than `maxDelete` rejects with `SyncError` of stage `max-delete`.
 * - `filter` rules leave files out on both sides; each side's listing is asked not to walk folders
 *   the rules exclude whole ({@link StreamListOptions.descend}).
 * - Rejects overlapping prefixes of one storage with `InvalidPathError` (`E_INVALID_PATH`), a bad
 *   `concurrency` with `InvalidOptionsError` (`E_INVALID_OPTIONS`), and a listing that breaks the
 *   order or strays outside its folder with `SnapshotIOError` (`E_IO`), before deleting anything.
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
  if (source === target && prefixesOverlap(from, to)) {
    throw new InvalidPathError(targetPrefix, `sync prefixes '${from}' and '${to}' overlap`);
  }
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 8, "sync");
  if (options.maxDelete !== undefined) integerOption("maxDelete", options.maxDelete, 0, Number.MAX_SAFE_INTEGER, "sync");
  const run = new SyncRun(source, from, target, to, options, concurrency);
  return run.execute();
}

/** One running sync: its counters, its pool of file tasks and its failures. */
class SyncRun {
  readonly #report: SyncReport;
  readonly #rule: VerdictRule;
  readonly #pool: TaskPool;
  readonly #failures: SyncFailure[] = [];
  #failureCount = 0;
  #events = 0;
  readonly #extras: string[] = [];
  /** Extra target files found by the merge, all of them (only the first 10,000 are remembered). */
  #extraCount = 0;
  readonly #filter: SyncFilter | undefined;
  #copier: SyncCopier | undefined;

  constructor(
    private readonly source: SnapshotStorage,
    private readonly from: string,
    private readonly target: SnapshotStorage,
    private readonly to: string,
    private readonly options: SyncOptions,
    concurrency: number,
  ) {
    this.#report = { copied: 0, skipped: 0, deleted: 0, ignored: 0, excluded: 0, bytesCopied: 0, dryRun: options.dryRun === true };
    this.#filter = options.filter === undefined || options.filter.length === 0 ? undefined : new SyncFilter(options.filter);
    this.#rule = { compare: options.compare ?? "auto", sameKind: backendName(source) === backendName(target) };
    this.#pool = new TaskPool(concurrency, (error) => this.#fail("", error));
  }

  async execute(): Promise<SyncReport> {
    const { dryRun = false, deleteExtraneous = true, signal } = this.options;
    throwIfAborted(signal, "the sync");
    this.#copier = dryRun || !isAdvancedSnapshotStorage(this.target) ? undefined : this.target.syncCopier?.(this.source);
    try {
      await this.#merge(true, (merged) => {
        throwIfAborted(signal, "the sync");
        if (merged.source !== undefined) return this.#handleSource(merged, merged.source);
        if (!deleteExtraneous) return undefined;
        if (this.#extraCount++ < EXTRAS_REMEMBERED) this.#extras.push(merged.path);
        return undefined;
      });
    } finally {
      await this.#pool.drain();
      await this.#copier?.finish();
    }
    // Copies cut short by an abort are failures of the abort, not of the copies.
    throwIfAborted(signal, "the sync");
    if (this.#failureCount > 0) throw new SyncError(this.#report, this.#failures, this.#failureCount, "copy");
    if (!deleteExtraneous) return this.#report;
    const { maxDelete } = this.options;
    if (maxDelete !== undefined && this.#extraCount > maxDelete) {
      throw new SyncError(this.#report, "max-delete", this.#extraCount, maxDelete);
    }
    await this.#deleteExtras();
    return this.#report;
  }

  /**
   * Lists both sides, read ahead side by side, and merges into `visit` the paths the filter keeps;
   * `firstPass` counts what the source passes over and what the filter leaves out.
   */
  async #merge(firstPass: boolean, visit: (merged: MergedPath) => void | Promise<void>): Promise<void> {
    const filter = this.#filter;
    const cut = this.from === "" ? 0 : this.from.length + 1;
    const onSkip = firstPass
      ? (entry: { path: string; reason: SyncProgress["reason"] }) => {
          const path = entry.path.slice(cut);
          if (filter !== undefined && !filter.includes(path)) return this.#exclude(path);
          this.#report.ignored++;
          this.#emit("ignore", path, 0, entry.reason);
        }
      : undefined;
    const source = mergeSide(this.source, this.from, filter, onSkip);
    const target = mergeSide(this.target, this.to, filter, undefined);
    const filtered =
      filter === undefined
        ? visit
        : (merged: MergedPath) => {
            if (filter.includes(merged.path)) return visit(merged);
            if (firstPass) this.#exclude(merged.path);
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
    const verdict = syncVerdict(entry, existing, this.#rule);
    if (verdict === "skip") {
      this.#report.skipped++;
      this.#emit("skip", path, entry.size ?? 0);
      return undefined;
    }
    return this.#pool.run(async () => {
      try {
        await this.#settle(path, entry, existing, verdict);
      } catch (error) {
        // A source file deleted since it was listed simply drops out of this sync.
        if (!isStowageError(error, "E_NOT_FOUND")) this.#fail(path, error);
      }
    });
  }

  /** Finishes what the listings could not decide alone, then copies if needed. */
  async #settle(path: string, entry: ListedFile, existing: ListedFile | undefined, listed: "copy" | "check" | "stat"): Promise<void> {
    const target = existing && { storage: this.target, entry: existing };
    const { verdict, source } = await settleVerdict(listed, { storage: this.source, entry }, target, this.#rule);
    if (verdict !== "copy") {
      this.#report.skipped++;
      this.#emit("skip", path, source.size ?? 0);
      return;
    }
    const bytes = this.#report.dryRun ? Math.max(source.size ?? 0, 0) : await this.#copy(path, source);
    this.#report.copied++;
    this.#report.bytesCopied += bytes;
    this.#emit("copy", path, bytes);
  }

  /** Copies one file, natively or streamed, carrying its modification time; resolves with its size. */
  async #copy(path: string, entry: ListedFile): Promise<number> {
    const targetKey = joinKey(this.to, path);
    const stat = await exactEntry(this.source, entry);
    if (this.#copier !== undefined && stat.size !== undefined && stat.mtime !== undefined) {
      await this.#copier.copy(stat.path, targetKey, stat as FileStat);
      return stat.size;
    }
    const signal = this.options.signal;
    // Both sides get the signal; the stream is also cut here, for a source that ignores it (a basic
    // tier of another author): either way the write fails, and the target removes what it started.
    const content = abortableReadable(await this.source.read(stat.path, { signal }), signal, "the sync");
    const options = stat.mtime === undefined ? { signal } : { mtime: stat.mtime, signal };
    let flowed = 0;
    try {
      await this.target.write(targetKey, counted(content, (bytes) => (flowed += bytes)), options);
    } catch (error) {
      // A write that failed before draining its source must not leave the source open (a file
      // descriptor, a socket) until garbage collection.
      content.destroy();
      throw error;
    }
    return stat.size ?? flowed;
  }

  #exclude(path: string): void {
    this.#report.excluded++;
    this.#emit("exclude", path, 0);
  }

  /** rclone's delete-after: runs only once every copy succeeded. A dry run only counts. */
  async #deleteExtras(): Promise<void> {
    const dryRun = this.#report.dryRun;
    const remove = (path: string): Promise<void> | undefined => {
      throwIfAborted(this.options.signal, "the sync");
      return this.#pool.run(async () => {
        try {
          if (!dryRun) await this.target.delete(joinKey(this.to, path));
          this.#report.deleted++;
          this.#emit("delete", path, 0);
        } catch (error) {
          this.#fail(path, error);
        }
      });
    };
    if (this.#extraCount > EXTRAS_REMEMBERED) {
      // Too many to remember: find them again. A file that appeared in the source since is kept.
      try {
        await this.#merge(false, (merged) => (merged.source === undefined ? remove(merged.path) : undefined));
      } finally {
        await this.#pool.drain();
      }
    } else {
      try {
        for (const path of this.#extras) await remove(path);
      } finally {
        await this.#pool.drain();
      }
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

  #fail(path: string, error: unknown): void {
    this.#failureCount++;
    if (this.#failures.length < MAX_LISTED_FAILURES) this.#failures.push({ path, error });
  }
}

/** Passes chunks through, telling `onBytes` the size of each. */
async function* counted(content: WriteContent, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of toChunks(content)) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
