import { existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { lstat, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import {
  BlobBackend,
  InvalidOptionsError,
  SnapshotIOError,
  checkGarbageOptions,
  hashFile,
  mapLimit,
  normalizePrefix,
  rechunk,
  resolveUnderRoot,
  type BackendContent,
  type BackendWriteOptions,
  type BlobBackendOptions,
  type BlobOperation,
  type CollectGarbageOptions,
  type FileStat,
  type GarbageReport,
  type SnapshotStorage,
  type StreamListOptions,
  type SyncCopier,
  type WriteContent,
  type WriteOptions,
  pruneEmptyFolders,
} from "@stowage/core";
import { assertReplaceable, replaceDurably, writeContent, type Fill } from "./atomic-write.js";
import { removeTempFiles, type CleanupOptions } from "./cleanup.js";
import { ensureFolder, folderState, listableState, syncFolder } from "./folders.js";
import { errnoOf, toStowageError, type Operation } from "./fs-errors.js";
import { createLink, isLinkName, linkPathOf, statLink, type LinkMode } from "./links.js";
import { copyInto, LOCAL_BRAND, LocalCopier, localSourceOf, type LocalSource } from "./native-copy.js";
import { gatherSmall, ThreadWrites } from "./small-write.js";
import { fileChunks, openFile, readLink, streamReadSize } from "./readers.js";
import { smallFileMd5 } from "./small-file-md5.js";
import { fileTimes } from "./mtimes.js";
import { walkSorted } from "./sorted-walk.js";
import { assertNotReserved } from "./temp-files.js";
import { holdsFile, readEntries, sortEntries } from "./tree.js";
import { localPlace } from "./place.js";

export type { CleanupOptions } from "./cleanup.js";

/** Options of {@link LocalFileSystemBackend}. */
export interface LocalFileSystemBackendOptions extends BlobBackendOptions {
  /** The storage root. Created (with its parents) when missing; symlinks above it are resolved once. */
  location: string;
  /**
   * fsync each written file before it is renamed into place, and its folder after, so a write that
   * resolved survives a power loss. Default `true`; `false` keeps atomicity for other readers but
   * leaves durability to the kernel's writeback (faster for many small files).
   */
  durable?: boolean;
  /**
   * What listings, reads and writes do with symbolic links below the root. Links are never
   * followed in either mode.
   * - `"skip"` (default): a link is not a file. Listings pass it over and report it to
   *   `streamList`'s `onSkip` (a sync counts it in `report.ignored`).
   * - `"translate"` (rclone's `--links`/`-l`): a link `x` is listed and read as the small file
   *   `x.rclonelink` holding the link's target, and writing `x.rclonelink` creates the link `x`
   *   (atomically, with the written `mtime`). A regular file whose name ends in `.rclonelink` is
   *   then ambiguous: it is passed over as `invalid-name`.
   */
  links?: LinkMode;
}

const LIST_CONCURRENCY = 8;

/** How each operation of the base reads to {@link toStowageError}. */
const OPERATIONS: Record<BlobOperation, Operation> = {
  read: "reading",
  stat: "reading",
  write: "writing",
  list: "listing",
  delete: "deleting",
  move: "moving",
};

/** Where a key lives on disk: a regular file, or (translate mode, `x.rclonelink`) the link `x`. */
interface Located {
  /** The file's (or link's) absolute path. */
  file: string;
  /** True when the key names a translated link. */
  link: boolean;
}

/**
 * The advanced blob tier on a local folder: every key is a file below `location`. Built on core's
 * `BlobBackend`, which checks keys, content, options and signals before any of the primitives
 * below runs, and maps their errors through `toStowageError`.
 *
 * - Writes are atomic (temporary file, fsync, rename); failed writes leave nothing behind.
 * - No key reaches outside `location`: keys are validated, and symbolic links below the root are
 *   never followed (reads treat them as missing, writes as conflicts, listings skip them).
 * - Folders are implicit: empty folders are pruned after deletes and moves, and never listed.
 * - Modification times given to `write` are kept to the microsecond, read in nanoseconds, and sync carries them.
 * - Two instances on this host (any two roots) copy natively in a sync: see {@link syncCopier}.
 * - An abort of a read's signal destroys the stream and closes the file; of a write's, before the
 *   rename, removes the temporary file and the folders made for it.
 */
export class LocalFileSystemBackend extends BlobBackend {
  /** The canonical (absolute, symlink-free) path of the storage root. */
  readonly location: string;
  /** How this backend shows itself to other local backends (and copies of this package), for native copies. */
  readonly [LOCAL_BRAND]: LocalSource;
  readonly #durable: boolean;
  readonly #threadWrites: ThreadWrites;
  readonly #translate: boolean;

  constructor(options: LocalFileSystemBackendOptions) {
    const given = options ?? ({} as Partial<LocalFileSystemBackendOptions>);
    super(given);
    const { location, durable = true, links = "skip" } = given;
    if (typeof location !== "string" || location === "") {
      throw new InvalidOptionsError("location", location, "must be a non-empty path", "LocalFileSystemBackend");
    }
    if (links !== "skip" && links !== "translate") {
      throw new InvalidOptionsError("links", links, "must be \"skip\" or \"translate\"", "LocalFileSystemBackend");
    }
    try {
      makeFolders(path.resolve(location));
      this.location = realpathSync.native(path.resolve(location));
      if (!statSync(this.location).isDirectory()) throw new Error("not a folder");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SnapshotIOError(`Cannot use '${location}' as a storage root: ${reason}`, undefined, { cause: error });
    }
    this.#durable = durable;
    this.#threadWrites = new ThreadWrites(this.location, durable);
    this.#translate = links === "translate";
    const root = this.location;
    this[LOCAL_BRAND] = { version: 1, location: root, fileOf: (key) => this.#nativeFileOf(key) };
  }

  protected async readFile(key: string): Promise<Readable> {
    const { file, link } = this.#locate(key);
    if (link) return Readable.from([await readLink(this.location, key, file)]);
    const { handle, size } = await openFile(this.location, key, file);
    return handle.createReadStream({ highWaterMark: streamReadSize(size, this.defaultChunkSize) });
  }

  /** `streamRead`'s chunks, each a fresh buffer filled straight from the file: no copy, no re-slicing. */
  protected override async readChunks(key: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    const { file, link } = this.#locate(key);
    if (link) return rechunk([await readLink(this.location, key, file)], size);
    return fileChunks(await openFile(this.location, key, file), size, key);
  }

  /**
   * `options.mtime` becomes the file's modification time (set on the temporary file before the
   * rename, so the file appears with it).
   */
  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    const { file: target, link } = this.#locate(key);
    if (link) {
      await createLink({ root: this.location, link: target, key, mtimeNs: options.mtimeNs, durable: this.#durable }, content.bytes ?? content.chunks);
      return;
    }
    const { small, content: large } = await gatherSmall(content);
    if (small !== undefined && this.#threadWrites.wants() && (await this.#threadWrites.write(key, target, small, options.mtimeNs))) return;
    await this.#replace(key, target, writeContent(small ?? large, options.mtimeNs));
  }

  protected override async listLevel(folder: string): Promise<string[]> {
    const dir = this.#folderPath(folder);
    if ((await listableState(this.location, dir)) !== "present") return [];
    const entries = sortEntries(await readEntries(dir), folder, this.#translate, () => undefined);
    const base = folder === "" ? "" : `${folder}/`;
    const shown = await mapLimit(entries, LIST_CONCURRENCY, async (entry) =>
      entry.kind !== "folder" || (await holdsFile(path.join(dir, entry.name), this.#translate)) ? `${base}${entry.order}` : undefined,
    );
    return shown.filter((key): key is string => key !== undefined);
  }

  /**
   * Every file below `folder` with its size and mtime, sorted by `compareKeys`, read a folder at a
   * time as the loop consumes it (a few ahead), so memory is bounded by folder depth and width. The
   * folder is checked once to be reached without a link; below it, only what readdir reports as
   * files and real folders is kept. Links (in `links: "skip"` mode), FIFOs, sockets, devices and
   * invalid names go to `options.onSkip`. A folder that cannot be read, or vanishes: `E_IO`.
   */
  protected async *listFiles(folder: string, options: StreamListOptions): AsyncGenerator<FileStat, void, undefined> {
    for await (const batch of this.listFileBatches(folder, options, 1)) for (const file of batch) yield file;
  }

  /** The walk itself (see `sorted-walk.ts`): a sync takes it in batches of 256. */
  protected override listFileBatches(folder: string, options: StreamListOptions, batch = 256): AsyncIterable<FileStat[]> {
    const dir = this.#folderPath(folder);
    return walkSorted(dir, folder, {
      onSkip: options.onSkip,
      descend: options.descend,
      links: this.#translate ? "translate" : "skip",
      present: async () => (await listableState(this.location, dir)) === "present",
      batch,
    });
  }

  protected async deleteFile(key: string): Promise<void> {
    const { file, link } = this.#locate(key);
    const dir = path.dirname(file);
    try {
      if ((await folderState(this.location, dir)) !== "present") return;
      const stats = await lstat(file);
      // Folders are not files, and links are files only as translated keys: nothing to delete.
      if (link ? !stats.isSymbolicLink() : !stats.isFile()) return;
      await unlink(file);
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return;
      throw error;
    }
    await pruneEmptyFolders(this.location, dir);
  }

  /**
   * The MD5 of a file, read in full from disk as rclone reads a local file for `--checksum`
   * (no network is crossed): small files at once (`smallFileMd5`), others, and anything unusual,
   * streamed; a missing file rejects as its read does (`E_NOT_FOUND`).
   */
  protected override async md5File(key: string, signal: AbortSignal | undefined): Promise<string> {
    const { file, link } = this.#locate(key);
    return (link ? undefined : smallFileMd5(this.location, file)) ?? hashFile(this, key, "md5", signal);
  }

  protected async statFile(key: string): Promise<FileStat | undefined> {
    const { file, link } = this.#locate(key);
    if ((await folderState(this.location, path.dirname(file))) !== "present") return undefined;
    try {
      const stats = link ? await statLink(file) : await lstat(file, { bigint: true });
      if (stats !== undefined && (link ? stats.isSymbolicLink() : stats.isFile())) return { path: key, size: Number(stats.size), ...fileTimes(stats) };
    } catch (error) {
      if (errnoOf(error) !== "ENOENT" && errnoOf(error) !== "ENOTDIR") throw error;
    }
    return undefined;
  }

  protected async moveFile(src: string, dst: string): Promise<void> {
    const source = this.#locate(src);
    const destination = this.#locate(dst);
    if (source.link || destination.link) {
      await this.#moveLink(src, dst);
      return;
    }
    const from = source.file;
    const to = destination.file;
    const toDir = path.dirname(to);
    const fromDir = path.dirname(from);
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureFolder(this.location, toDir, dst);
        await assertReplaceable(to, dst);
        await rename(from, to);
        break;
      } catch (error) {
        if (errnoOf(error) === "EXDEV") {
          await this.#moveAcrossFilesystems(src, from, dst, to);
          break;
        }
        if (errnoOf(error) === "ENOENT") {
          await this.stat(src); // the source vanished meanwhile: not found
          if (attempt < 4) continue; // a concurrent delete pruned the destination folder
        }
        await pruneEmptyFolders(this.location, toDir);
        throw toStowageError(error, dst, "moving");
      }
    }
    if (this.#durable) {
      await syncFolder(toDir);
      if (fromDir !== toDir) await syncFolder(fromDir);
    }
    await pruneEmptyFolders(this.location, fromDir);
  }

  protected override classify(error: unknown, operation: BlobOperation, key: string): unknown {
    return toStowageError(error, key, OPERATIONS[operation]);
  }

  /**
   * A mount point inside the root makes rename fail with EXDEV. Fallback: copy into a temporary
   * file beside `dst` and rename it over `dst` (still all-or-nothing), then unlink `src`.
   */
  async #moveAcrossFilesystems(src: string, from: string, dst: string, to: string): Promise<void> {
    await this.#replace(dst, to, copyInto(from, src));
    try {
      await unlink(from);
    } catch (error) {
      throw toStowageError(error, src, "deleting");
    }
  }

  /**
   * A move that involves a translated link (`x.rclonelink`) on either side: the link's target is
   * written at `dst` (atomically, with the source's mtime), then the source is deleted. For a
   * moment both exist; a crash in between leaves both, never neither.
   */
  async #moveLink(src: string, dst: string): Promise<void> {
    const { mtime, mtimeNs } = await this.stat(src);
    await this.write(dst, await this.read(src), { mtime, ...(mtimeNs === undefined ? {} : { mtimeNs }) });
    await this.delete(src);
  }

  /**
   * A native copier when `source` is a `LocalFileSystemBackend` (this one, another root, or one
   * from another copy of this package, recognised by {@link LOCAL_BRAND}); else `undefined`.
   * Each copy is `copyFile` with `COPYFILE_FICLONE` (a reflink where the filesystem has it) into a
   * temporary file in the target folder, which gets the source's mtime (and, when `durable`, an
   * fsync) and is renamed into place. `finish()` fsyncs each folder that received files once, so
   * a resolved sync survives a power loss. The source side never follows a link: its keys come
   * from the sync's walk, each source folder is checked once (realpath, cached for the sync) and
   * each source file is `lstat`ed just before the copy. Translated links go through `read` and
   * `write`.
   */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    const from = localSourceOf(source);
    if (from === undefined) return undefined;
    const target = {
      root: this.location,
      durable: this.#durable,
      fileOf: (key: string) => this.#nativeFileOf(key),
      write: (key: string, content: WriteContent, options: WriteOptions) => this.write(key, content, options),
    };
    return new LocalCopier(target, from, source);
  }

  /** Where folder `prefix` really is (core's `PlacedStorage`; see `localPlace`). */
  place(prefix: string): ReturnType<typeof localPlace> {
    return localPlace(this.#folderPath(normalizePrefix(prefix)));
  }

  /**
   * Removes temporary files that crashed processes left behind (`.stowage-tmp-*`), then prunes the
   * folders they leave empty. Files written to within `olderThan` are kept: they may belong to a
   * write still in progress (a running write touches its temporary file with every block).
   * Resolves with the removed paths (with `dryRun`, the paths it would remove; nothing is
   * touched), relative to {@link location}.
   */
  async cleanupTempFiles(options: CleanupOptions = {}): Promise<string[]> {
    const { olderThan = 60 * 60 * 1000, prefix = "", dryRun = false } = options;
    const folder = normalizePrefix(prefix);
    assertNotReserved(folder);
    return removeTempFiles(this.location, folder, this.#folderPath(folder), olderThan, dryRun);
  }

  /**
   * Garbage collection (see `GarbageCollectingStorage` in core): the temporary files of writes
   * that never finished (`.stowage-tmp-*`, a killed process's), untouched for longer than
   * `olderThanMs`, anywhere below the root; {@link cleanupTempFiles} does the work. Rejects with
   * `InvalidOptionsError` for a bad `olderThanMs` before any I/O.
   */
  async collectGarbage(options: CollectGarbageOptions): Promise<GarbageReport> {
    const { olderThanMs, dryRun } = checkGarbageOptions(options, "LocalFileSystemBackend");
    const found = await this.cleanupTempFiles({ olderThan: olderThanMs, dryRun });
    return { found: found.length, removed: dryRun ? 0 : found.length };
  }

  /** Validates a key and finds its place on disk; in translate mode `x.rclonelink` is the link `x`. */
  #locate(key: string): Located {
    const file = resolveUnderRoot(this.location, key);
    assertNotReserved(key);
    const link = this.#translate && isLinkName(path.basename(file));
    return { file: link ? linkPathOf(file) : file, link };
  }

  /** The path of the regular file a key names, or `undefined` for a translated link (see {@link LocalSource.fileOf}). */
  #nativeFileOf(key: string): string | undefined {
    const { file, link } = this.#locate(key);
    return link ? undefined : file;
  }

  /** The path of a normalized folder prefix (`""` is the root); reserved names are refused. */
  #folderPath(folder: string): string {
    assertNotReserved(folder);
    return folder === "" ? this.location : resolveUnderRoot(this.location, folder);
  }

  #replace(key: string, target: string, fill: Fill): Promise<void> {
    return replaceDurably({ root: this.location, target, key, durable: this.#durable }, fill);
  }
}

/**
 * Creates `dir` and its missing parents one segment at a time. Node's recursive `mkdirSync` never
 * returns on some paths (below `/proc`, where mkdir fails with ENOENT forever); here such a
 * path fails at its first segment that cannot be made.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let current = dir; !existsSync(current); current = path.dirname(current)) {
    missing.push(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
    }
  }
}
