import { TaskPool } from "../../concurrency.js";
import { InvalidOptionsError, InvalidPathError } from "../../errors.js";
import { positiveInteger } from "../../options.js";
import { backendName } from "../guards.js";
import { normalizePrefix, prefixesOverlap } from "../path.js";
import type { SkippedEntry, SnapshotStorage, SyncCompare } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { countFolder } from "./excluded-folders.js";
import { SyncFilter, type SyncFilterRule } from "./filter.js";
import { mergeListings, type MergedPath } from "./merge.js";
import { mergeSide } from "./merge-side.js";
import { settleVerdict } from "./settle.js";
import { syncVerdict, type VerdictRule } from "./verdict.js";
import { unkeyable } from "./unkeyable.js";

/** One path where two locations differ, as {@link checkStorages} finds it. */
export interface CheckDifference {
  /** The file, relative to both prefixes. */
  path: string;
  /**
   * `only-in-a`: a file of A that B lacks (or cannot hold, because B has a file where A's path needs
   * a folder, or files below it); `only-in-b`: a file of B that A lacks (never with `oneWay`);
   * `differs`: both have it, and the comparison says a sync from A would copy it.
   */
  kind: "only-in-a" | "only-in-b" | "differs";
}

/** Options of {@link checkStorages}. */
export interface CheckOptions {
  /** How two files of one path are compared: the sync's {@link SyncCompare} rules. Default `"auto"`. */
  compare?: SyncCompare;
  /** Only check that A's files are in B, and equal: files only in B are not differences. Default `false`. */
  oneWay?: boolean;
  /** Files compared at once (stats and content hashes). A positive integer; default 8. */
  concurrency?: number;
  /** The sync's filter rules ({@link SyncOptions.filter}): excluded files are not compared, on either side. */
  filter?: readonly SyncFilterRule[];
  /** Called for every difference as it is found (in the order comparisons finish, not sorted). */
  onDifference?: (event: CheckDifference) => void;
  /**
   * Called for every entry of A that could not be compared, with why (as {@link SkippedEntry}: a
   * symbolic link, a special file, a name that cannot be a key on A or on B), path relative to A's
   * folder. Each is counted in {@link CheckReport.ignored}.
   */
  onIgnore?: (entry: SkippedEntry) => void;
}

/** What {@link checkStorages} found: counts only, so its size never grows with the trees. */
export interface CheckReport {
  /** Files in both locations that compare equal. */
  matched: number;
  /** Files only in A (see {@link CheckDifference.kind}). */
  onlyInA: number;
  /** Files only in B; always 0 with `oneWay`. */
  onlyInB: number;
  /** Files in both that differ. */
  differing: number;
  /** Files left out by `filter`, on either side, counted as {@link SyncReport.excluded} counts them. */
  excluded: number;
  /** Folders skipped whole by `filter`, as {@link SyncReport.excludedFolders}; absent when none. */
  excludedFolders?: number;
  /**
   * Entries of A passed over, not compared (symbolic links, special files, names that cannot be
   * keys on A or B), as {@link SyncReport.ignored}; each reaches {@link CheckOptions.onIgnore}.
   */
  ignored: number;
  /** Files read in full only to hash them, as {@link SyncReport.downloadedToCompare}; absent when none. */
  downloadedToCompare?: number;
}

const COMPARE_RULES: readonly SyncCompare[] = ["auto", "size", "checksum"];

/**
 * Compares folder `aPrefix` of `a` with folder `bPrefix` of `b`, changing neither (rclone's
 * `check`), between any two backends.
 *
 * It is sync's planner run without its hands: the same merged listings (`mergeListings`), the
 * same filter, and the same decision ({@link syncVerdict}, then `stat` or content hashes when the
 * listings cannot tell), so a file `checkStorages(a, …, b, …)` reports as `only-in-a` or `differs`
 * is exactly one that `syncStorages(a, …, b, …)` would copy, and `only-in-b` one it would delete.
 * Memory is bounded as sync's is, by `concurrency` and read-ahead, never by the number of files.
 *
 * Rejects overlapping prefixes of one storage with `InvalidPathError` (`E_INVALID_PATH`); a bad
 * `concurrency` or `compare` with `InvalidOptionsError` (`E_INVALID_OPTIONS`); a listing that
 * breaks the order with `SnapshotIOError` (`E_IO`); and a file that cannot be stat'ed or read for
 * hashing (`E_NOT_FOUND` when it vanished meanwhile, `E_IO`, `E_UNAVAILABLE`) with that error,
 * after the comparisons under way have settled.
 */
export async function checkStorages(
  a: SnapshotStorage,
  aPrefix: string,
  b: SnapshotStorage,
  bPrefix: string,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const from = normalizePrefix(aPrefix);
  const to = normalizePrefix(bPrefix);
  if (a === b && prefixesOverlap(from, to)) {
    throw new InvalidPathError(bPrefix, `check prefixes '${from}' and '${to}' overlap`);
  }
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 8, "check");
  const compare = options.compare ?? "auto";
  if (!COMPARE_RULES.includes(compare)) {
    throw new InvalidOptionsError("compare", compare, 'must be "auto", "size" or "checksum"', "check");
  }
  return new CheckRun(a, from, b, to, options, { compare, sameKind: backendName(a) === backendName(b) }, concurrency).execute();
}

/** One running check: its counters, its pool of comparisons and its first failure. */
class CheckRun {
  readonly #report: CheckReport = { matched: 0, onlyInA: 0, onlyInB: 0, differing: 0, excluded: 0, ignored: 0 };
  readonly #pool: TaskPool;
  readonly #filter: SyncFilter | undefined;
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly a: SnapshotStorage,
    private readonly from: string,
    private readonly b: SnapshotStorage,
    private readonly to: string,
    private readonly options: CheckOptions,
    private readonly rule: VerdictRule,
    concurrency: number,
  ) {
    this.#filter = options.filter === undefined || options.filter.length === 0 ? undefined : new SyncFilter(options.filter, { onPrune: () => countFolder(this.#report) });
    this.#pool = new TaskPool(concurrency, (error) => (this.#failure ??= { error }));
  }

  async execute(): Promise<CheckReport> {
    const filter = this.#filter;
    const cut = this.from === "" ? 0 : this.from.length + 1;
    // As sync counts them: entries A's walk passes over are ignored, or excluded when the filter says so.
    const onSkip = (entry: SkippedEntry): void => {
      const path = entry.path.slice(cut);
      if (filter !== undefined && !filter.includes(path)) this.#report.excluded++;
      else this.#ignore(path, entry.reason);
    };
    const aSide = mergeSide(this.a, this.from, filter, onSkip);
    const bSide = mergeSide(this.b, this.to, filter, undefined);
    try {
      await mergeListings(aSide, bSide, (merged) => {
        if (this.#failure !== undefined) throw this.#failure.error;
        if (filter !== undefined && !filter.includes(merged.path)) {
          this.#report.excluded++;
          return undefined;
        }
        return this.#visit(merged);
      });
    } finally {
      await this.#pool.drain();
      await Promise.all([aSide.listing.close(), bSide.listing.close()]);
    }
    if (this.#failure !== undefined) throw this.#failure.error;
    return this.#report;
  }

  /** Decides one path; returns a promise only when it must wait for room in the pool. */
  #visit(merged: MergedPath): Promise<void> | undefined {
    const { path, source, target } = merged;
    if (source === undefined) {
      if (this.options.oneWay !== true) this.#found(path, "only-in-b");
      return undefined;
    }
    if (unkeyable(source.path, this.to, path)) {
      this.#ignore(path, "invalid-name");
      return undefined;
    }
    // A conflict is a copy sync would attempt and fail: B cannot hold A's file there.
    if (target === undefined || merged.conflict !== undefined) {
      this.#found(path, "only-in-a");
      return undefined;
    }
    const listed = syncVerdict(source, target, this.rule);
    if (listed === "skip") {
      this.#report.matched++;
      return undefined;
    }
    if (listed === "copy") {
      this.#found(path, "differs");
      return undefined;
    }
    return this.#pool.run(async () => {
      const settled = await settleVerdict(listed, { storage: this.a, entry: source }, { storage: this.b, entry: target as ListedFile }, this.rule);
      if (settled.downloads > 0) this.#report.downloadedToCompare = (this.#report.downloadedToCompare ?? 0) + settled.downloads;
      if (settled.verdict === "skip") this.#report.matched++;
      else this.#found(path, "differs");
    });
  }

  #ignore(path: string, reason: SkippedEntry["reason"]): void {
    this.#report.ignored++;
    this.options.onIgnore?.({ path, reason });
  }

  #found(path: string, kind: CheckDifference["kind"]): void {
    if (kind === "only-in-a") this.#report.onlyInA++;
    else if (kind === "only-in-b") this.#report.onlyInB++;
    else this.#report.differing++;
    this.options.onDifference?.({ path, kind });
  }
}
