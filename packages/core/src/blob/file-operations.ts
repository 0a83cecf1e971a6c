import { SnapshotIOError, throwIfAborted } from "../errors.js";
import { mapLimit } from "../concurrency.js";
import { positiveInteger } from "../options.js";
import { isAdvancedSnapshotStorage } from "./guards.js";
import { normalizePrefix, validateKey } from "./path.js";
import type { FileStat, SnapshotStorage } from "./storage.js";
import { copyStamp, streamCopy, wantedMd5 } from "./sync/stream-copy.js";
import { walkFiles } from "./walk.js";

/**
 * Whole-file operations between any two backends, written once for every caller (the CLI's `cp`,
 * `mv` and `rm -r`, a user's scripts): native where the backends allow it, streamed otherwise.
 */

/** A backend that deletes many files in one request: an optional capability (S3's DeleteObjects). */
export interface BatchDeletingStorage {
  /**
   * Deletes every file in `paths`, idempotently like `delete` (a missing key is no error). Every
   * key is validated before anything is deleted (`InvalidPathError`). The backend batches as it
   * can (S3: 1,000 keys per request).
   */
  deleteMany(paths: readonly string[]): Promise<void>;
}

/** True when `storage` offers {@link BatchDeletingStorage.deleteMany}. */
export function canDeleteMany(storage: unknown): storage is BatchDeletingStorage {
  return typeof (storage as Partial<BatchDeletingStorage> | null)?.deleteMany === "function";
}

/** Options of {@link copyFile}. */
export interface CopyFileOptions {
  /** Stops the copy; the target keeps its old content (see `AbortOptions`). */
  signal?: AbortSignal;
  /**
   * Hears the copy's progress: `bytes` copied so far (after each chunk of a streamed copy; once,
   * at the end, of a native one) and the file's size where the source knows it (advanced tier).
   */
  onProgress?: (progress: { bytes: number; total: number | undefined }) => void;
}

/** What {@link copyFile} did. */
export interface CopyFileResult {
  /** Bytes copied. */
  bytes: number;
  /** True when the backend copied inside itself (a kernel copy, a server-side S3 copy), no byte streamed through this process. */
  native: boolean;
}

/**
 * Copies file `sourceKey` of `source` onto `targetKey` of `target`, atomically, keeping its
 * modification time where the source has one (the advanced tier's `stat`). Uses the target's
 * native copier for this source when it offers one (`syncCopier`: two local roots, two buckets of
 * one S3 endpoint, two namespaces of one Redis server), else streams `read` into `write` (core's
 * one streamed copy). Rejects with `SnapshotNotFoundError` (`E_NOT_FOUND`) for a missing source,
 * `InvalidPathError` for a bad key (before any I/O), `AbortError` (`E_ABORTED`) on an abort, and
 * the backends' own errors otherwise.
 */
export async function copyFile(
  source: SnapshotStorage,
  sourceKey: string,
  target: SnapshotStorage,
  targetKey: string,
  options: CopyFileOptions = {},
): Promise<CopyFileResult> {
  validateKey(sourceKey);
  validateKey(targetKey);
  const { signal } = options;
  throwIfAborted(signal, `the copy of '${sourceKey}'`);
  const stat: FileStat | undefined = isAdvancedSnapshotStorage(source) ? await source.stat(sourceKey) : undefined;
  const copier = stat !== undefined && isAdvancedSnapshotStorage(target) ? target.syncCopier?.(source) : undefined;
  if (copier !== undefined && stat !== undefined) {
    try {
      await copier.copy(sourceKey, targetKey, stat);
    } finally {
      await copier.finish();
    }
    options.onProgress?.({ bytes: stat.size, total: stat.size });
    return { bytes: stat.size, native: true };
  }
  const { onProgress } = options;
  const total = stat?.size;
  const onBytes = onProgress === undefined ? undefined : (bytes: number) => onProgress({ bytes, total });
  const bytes = await streamCopy(source, sourceKey, target, targetKey, { ...(stat === undefined ? {} : { ...copyStamp(stat), md5: await wantedMd5(source, stat, target, signal) }), signal, onBytes });
  return { bytes: stat?.size ?? bytes, native: false };
}

/** Options of {@link removeFolder}. */
export interface RemoveFolderOptions {
  /** Stops between batches; files already deleted stay deleted. */
  signal?: AbortSignal;
  /** Deletes in flight at once where the backend has no `deleteMany`. Default 16. */
  concurrency?: number;
}

/** Files taken from one listing, then deleted, at a time: S3's DeleteObjects limit. */
const REMOVE_BATCH = 1000;

/**
 * Deletes every file below folder `prefix` (`""`: the whole storage) and resolves with how many.
 * Takes the first 1,000 files of a fresh listing, closes it, deletes them (one `deleteMany` call
 * where the backend offers it, else `delete`s, `concurrency` at a time), and starts over until a
 * listing comes up short: no listing is ever read while files it has yet to reach are deleted (a
 * paged index could skip entries, and a folder walk would see folders vanish), and memory holds
 * one batch. Rejects with `SnapshotIOError` (`E_IO`) when a file is still listed after its
 * delete resolved (the loop would never end), `AbortError` on an abort, and the backend's errors.
 */
export async function removeFolder(storage: SnapshotStorage, prefix: string, options: RemoveFolderOptions = {}): Promise<number> {
  const folder = normalizePrefix(prefix);
  const { signal } = options;
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 16, "removeFolder");
  let removed = 0;
  let previous = new Set<string>();
  for (;;) {
    throwIfAborted(signal, `the removal of '${folder}'`);
    const batch = await firstFiles(storage, folder, REMOVE_BATCH);
    const stuck = batch.find((key) => previous.has(key));
    if (stuck !== undefined) throw new SnapshotIOError(`'${stuck}' is still listed after it was deleted`, stuck);
    if (canDeleteMany(storage)) await storage.deleteMany(batch);
    else await mapLimit(batch, concurrency, (key) => storage.delete(key));
    removed += batch.length;
    if (batch.length < REMOVE_BATCH) return removed;
    previous = new Set(batch);
  }
}

/** The first `count` file keys below `folder`, in listing order; the listing is released after. */
async function firstFiles(storage: SnapshotStorage, folder: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const file of walkFiles(storage, folder)) {
    keys.push(file.path);
    if (keys.length >= count) break;
  }
  return keys;
}
