import { InvalidOptionsError } from "../errors.js";

/**
 * Garbage collection of what interrupted writers leave behind: an optional capability of a blob
 * backend, beside the two tiers. Leftovers are never data: a killed process's temporary file
 * (local), staged content no live writer refreshes any more (Redis), an incomplete multipart
 * upload (S3). Stowage never lists or reads them; they only cost space (and, on S3, money).
 */

/** Options of {@link GarbageCollectingStorage.collectGarbage}. */
export interface CollectGarbageOptions {
  /**
   * Only leftovers older than this, in ms: untouched for that long (local: last write of the
   * temporary file; Redis: the writer's last refresh of its staged content; S3: the upload's
   * start). A write in progress is never that old as long as this is longer than any one write
   * takes (an hour is safe; the CLI has no default). A non-negative finite number.
   */
  olderThanMs: number;
  /** Count what would be removed, remove nothing. Default false. */
  dryRun?: boolean;
}

/** What {@link GarbageCollectingStorage.collectGarbage} found. */
export interface GarbageReport {
  /** Leftovers older than `olderThanMs` that were found. */
  found: number;
  /** How many of them were removed: `found` unless `dryRun`, when it is 0 (or one vanished meanwhile). */
  removed: number;
  /** Their size in bytes, where the backend knows it cheaply; else `undefined`. */
  bytes?: number;
}

/** A backend that can find and remove the leftovers of interrupted writers. */
export interface GarbageCollectingStorage {
  /**
   * Finds leftovers older than `options.olderThanMs` under this storage's own root, prefix or
   * namespace (never another's) and removes them, unless `options.dryRun`. Files, and content
   * that files point at, are never touched. Rejects with `InvalidOptionsError`
   * (`E_INVALID_OPTIONS`) for a bad `olderThanMs` before any I/O; backend failures as the
   * backend's other operations do (`StorageUnavailableError`, `SnapshotIOError`).
   */
  collectGarbage(options: CollectGarbageOptions): Promise<GarbageReport>;
}

/** True when `value` has a `collectGarbage` method (see {@link GarbageCollectingStorage}). */
export function canCollectGarbage(value: unknown): value is GarbageCollectingStorage {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  return typeof (value as { collectGarbage?: unknown }).collectGarbage === "function";
}

/**
 * Checks the options of `collectGarbage`: `olderThanMs` must be a non-negative finite number,
 * `dryRun` a boolean or absent; else {@link InvalidOptionsError} naming the option. Returns them
 * with `dryRun` settled to a boolean.
 */
export function checkGarbageOptions(options: CollectGarbageOptions, owner?: string): Required<CollectGarbageOptions> {
  const { olderThanMs, dryRun = false } = (options ?? {}) as Partial<CollectGarbageOptions>;
  if (typeof olderThanMs !== "number" || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new InvalidOptionsError("olderThanMs", olderThanMs, "must be a non-negative number of milliseconds", owner);
  }
  if (typeof dryRun !== "boolean") throw new InvalidOptionsError("dryRun", dryRun, "must be a boolean", owner);
  return { olderThanMs, dryRun };
}
