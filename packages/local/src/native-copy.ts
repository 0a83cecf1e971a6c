import { constants, lstatSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import {
  mapLimit,
  SnapshotIOError,
  SnapshotNotFoundError,
  type FileStat,
  type SnapshotStorage,
  type SyncCopier,
  type WriteContent,
  type WriteOptions,
} from "@stowage/core";
import { finishFile, replaceDurably, type Fill } from "./atomic-write.js";
import { CopyThreads, copyThreadCount } from "./copy-threads.js";
import { replaceOnThread } from "./thread-replace.js";
import { folderState, syncFolder, type FolderState } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { utimeSeconds } from "./mtimes.js";

/**
 * Native copies between local roots: the kernel copies each file (`copyFile` with
 * `COPYFILE_FICLONE`: a reflink on btrfs and XFS, else `copy_file_range`) into a temporary file in
 * the target folder, which gets the source's modification time and is renamed into place. The bytes
 * never pass through JavaScript.
 */

/**
 * The brand under which a `LocalFileSystemBackend` shows itself to other backends of this package,
 * including other copies of it (a bundled one, another version): a registered symbol, so that two
 * copies of the class recognise each other where `instanceof` would not.
 */
export const LOCAL_BRAND: unique symbol = Symbol.for("stowage.local");

/** What a `LocalFileSystemBackend` shows under {@link LOCAL_BRAND}, so that another one can copy from it natively. */
export interface LocalSource {
  /** The version of this shape; a copier ignores sources of a version it does not know. */
  readonly version: 1;
  /** The source's canonical root. */
  readonly location: string;
  /**
   * The absolute path of the regular file that `key` names (the key validated as for `read`), or
   * `undefined` when the key names something else (a translated link, see `links: "translate"`).
   */
  fileOf(key: string): string | undefined;
}

/** The {@link LocalSource} that `storage` carries, if it is a local backend of a version this copy understands. */
export function localSourceOf(storage: unknown): LocalSource | undefined {
  if (storage === null || typeof storage !== "object") return undefined;
  const source = (storage as { [LOCAL_BRAND]?: unknown })[LOCAL_BRAND] as Partial<LocalSource> | undefined;
  if (source?.version !== 1 || typeof source.location !== "string" || typeof source.fileOf !== "function") return undefined;
  return source as LocalSource;
}

/** What a {@link LocalCopier} needs of its target backend. */
export interface CopyTarget {
  /** The target's canonical root. */
  root: string;
  /** fsync copies, and their folders once in `finish()`. */
  durable: boolean;
  /** Like {@link LocalSource.fileOf}, for the target's keys. */
  fileOf(key: string): string | undefined;
  /** The target's own `write`, for keys that are not plain files on one side. */
  write(key: string, content: WriteContent, options: WriteOptions): Promise<void>;
}

const FOLDER_SYNC_CONCURRENCY = 8;
/**
 * Copies done on the main thread before the copy threads start: a sync of a few files does not
 * pay for starting threads (tens of milliseconds), a big one soon runs on every core.
 */
export const INLINE_COPIES = 64;

/**
 * A sync's native copier from one local root (`source`) into another (or the same). Holds, for
 * the sync's lifetime, the source folders already checked to be link-free and the target folders
 * that received files; `finish()` fsyncs each of those folders once.
 */
export class LocalCopier implements SyncCopier {
  /** Target folders that received a file (checked real folders: see `Replacement.knownFolders`). */
  readonly #received = new Set<string>();
  /** Source folders checked with one realpath each, for the copier's lifetime. */
  readonly #sourceFolders = new Map<string, Promise<FolderState>>();
  #copies = 0;
  #threads: CopyThreads | undefined;
  /**
   * Copies the sync keeps in flight (see `SyncCopier.queueDepth`): two batches per copy thread,
   * so each thread has the next batch in hand when it finishes one.
   */
  readonly queueDepth: number;

  constructor(
    private readonly target: CopyTarget,
    private readonly source: LocalSource,
    private readonly sourceStorage: SnapshotStorage,
  ) {
    this.queueDepth = copyThreadCount() * 32;
  }

  async copy(sourceKey: string, targetKey: string, stat: FileStat): Promise<void> {
    const from = this.source.fileOf(sourceKey);
    const to = this.target.fileOf(targetKey);
    if (from === undefined || to === undefined) {
      // A translated link on either side: its bytes are a link target, a few bytes at most.
      await this.target.write(targetKey, await this.sourceStorage.read(sourceKey), { mtime: stat.mtime, ...(stat.mtimeNs === undefined ? {} : { mtimeNs: stat.mtimeNs }) });
      return;
    }
    if (!(await this.#sourceFolderIsReal(from))) throw new SnapshotNotFoundError(sourceKey);
    if (++this.#copies > INLINE_COPIES && (await this.#copyOnThread(from, sourceKey, to, targetKey))) return;
    const replacement = { root: this.target.root, target: to, key: targetKey, durable: this.target.durable, knownFolders: this.#received };
    await replaceDurably(replacement, copyInto(from, sourceKey));
  }

  /**
   * Makes the sync's copies durable: each folder that received files is fsynced once, and so is
   * each of its parents up to the root (a folder the sync created is an entry in its parent).
   */
  async finish(): Promise<void> {
    const threads = this.#threads;
    this.#threads = undefined;
    await threads?.close();
    if (!this.target.durable || this.#received.size === 0) return;
    const folders = new Set<string>();
    for (const dir of this.#received) {
      for (let current = dir; !folders.has(current); current = path.dirname(current)) {
        folders.add(current);
        if (current === this.target.root || !current.startsWith(this.target.root + path.sep)) break;
      }
    }
    this.#received.clear();
    try {
      await mapLimit([...folders], FOLDER_SYNC_CONCURRENCY, syncFolder);
    } catch (error) {
      throw toStowageError(error, path.relative(this.target.root, [...folders][0] ?? ""), "writing");
    }
  }

  /**
   * {@link copy} on a copy thread (see `copy-worker.ts`), with the main thread's checks and
   * retries around it: the target folder is made (or known) to be a real folder first, and a
   * failure prunes the folders that may have been made for this copy. `false` when no thread
   * could start: the copy is then done here.
   */
  #copyOnThread(from: string, fromKey: string, to: string, key: string): Promise<boolean> {
    this.#threads ??= new CopyThreads(this.target.durable);
    return replaceOnThread(this.#threads, { root: this.target.root, to, key, fromKey, knownFolders: this.#received }, (temp) => ({ from, temp, to }));
  }

  /**
   * True when the source file's folder is a real folder below the source root, reached without a
   * link (one `realpath` per folder, cached). The file itself is checked by {@link copyInto}.
   */
  async #sourceFolderIsReal(file: string): Promise<boolean> {
    const root = this.source.location;
    const dir = path.dirname(file);
    if (dir !== root && !dir.startsWith(root + path.sep)) return false;
    let state = this.#sourceFolders.get(dir);
    if (state === undefined) {
      state = folderState(root, dir);
      this.#sourceFolders.set(dir, state);
    }
    return (await state) === "present";
  }
}

/**
 * A {@link Fill} that copies the regular file `from` (key `fromKey`) with the kernel's fastest
 * method and gives the copy the source's modification time, read just before the copy (if the
 * source changes during the copy, its newer time makes the next sync copy it again).
 *
 * `copyFile` follows a link as its last segment, so the source is checked with `lstat` first: a
 * link (or anything but a regular file) is "not found", as for `read`.
 */
export function copyInto(from: string, fromKey: string): Fill {
  return async (tempPath, durable) => {
    let stats;
    try {
      stats = lstatSync(from, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      throw new SnapshotIOError(`Failed reading '${fromKey}': ${(error as Error).message}`, fromKey, { cause: error });
    }
    if (stats?.isFile() !== true) throw new SnapshotNotFoundError(fromKey);
    try {
      await copyFile(from, tempPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    } catch (error) {
      // ENOENT is ambiguous: a missing source is "not found"; a vanished target folder is retried.
      if (errnoOf(error) === "ENOENT" && lstatSync(from, { throwIfNoEntry: false }) === undefined) {
        throw new SnapshotNotFoundError(fromKey, { cause: error });
      }
      throw error;
    }
    await finishFile(tempPath, utimeSeconds(stats.mtimeNs), durable);
  };
}
