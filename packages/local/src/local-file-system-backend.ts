import { constants, existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { lstat, open, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import {
  abortableChunks,
  abortableReadable,
  checkChunkSize,
  throwIfAborted,
  DEFAULT_CHUNK_SIZE,
  SnapshotIOError,
  SnapshotNotFoundError,
  assertWriteContent,
  mapLimit,
  normalizePrefix,
  rechunk,
  resolveUnderRoot,
  sortKeys,
  syncStorages,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type ReadOptions,
  type SnapshotStorage,
  type StreamListOptions,
  type StreamReadOptions,
  type SyncCopier,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
  type WriteOptions,
  InvalidOptionsError,
  positiveInteger,
  checkGarbageOptions,
  type CollectGarbageOptions,
  type GarbageReport,
} from "@stowage/core";
import { assertReplaceable, replaceFile, writeContent, type Fill } from "./atomic-write.js";
import { ensureFolder, folderState, listableState, pruneEmptyFolders, syncFolder } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { createLink, isLinkName, linkPathOf, readLinkTarget, statLink, type LinkMode } from "./links.js";
import { copyInto, LOCAL_BRAND, LocalCopier, localSourceOf, type LocalSource } from "./native-copy.js";
import { mtimeOf, walkSorted } from "./sorted-walk.js";
import { assertNotReserved } from "./temp-files.js";
import { findTempFiles, holdsFile, readEntries, sortEntries } from "./tree.js";

/** Options of {@link LocalFileSystemBackend}. */
export interface LocalFileSystemBackendOptions {
  /** The storage root. Created (with its parents) when missing; symlinks above it are resolved once. */
  location: string;
  /** Bytes per chunk of `streamRead` and of the streams `read` returns. Default 256 KiB. */
  chunkSize?: number;
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

/** Options of {@link LocalFileSystemBackend.cleanupTempFiles}. */
export interface CleanupOptions {
  /** Only remove temporary files whose last write is older than this many milliseconds. Default 1 hour. */
  olderThan?: number;
  /** Only look below this folder. Default: the whole root. */
  prefix?: string;
  /** Find them, remove nothing: resolves with the paths that would be removed. Default false. */
  dryRun?: boolean;
}

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const CLEANUP_CONCURRENCY = 32;
const LIST_CONCURRENCY = 8;

/** Where a key lives on disk: a regular file, or (translate mode, `x.rclonelink`) the link `x`. */
interface Located {
  /** The file's (or link's) absolute path. */
  file: string;
  /** True when the key names a translated link. */
  link: boolean;
}

/**
 * The advanced blob tier on a local folder: every key is a file below `location`.
 *
 * - Writes are atomic (temporary file, fsync, rename); failed writes leave nothing behind.
 * - No key reaches outside `location`: keys are validated, and symbolic links below the root are
 *   never followed (reads treat them as missing, writes as conflicts, listings skip them).
 * - Folders are implicit: empty folders are pruned after deletes and moves, and never listed.
 * - Modification times given to `write` are kept to the millisecond, and sync carries them.
 * - Two instances on this host (any two roots) copy natively in a sync: see {@link syncCopier}.
 */
export class LocalFileSystemBackend implements AdvancedSnapshotStorage {
  /** The canonical (absolute, symlink-free) path of the storage root. */
  readonly location: string;
  /** How this backend shows itself to other local backends (and copies of this package), for native copies. */
  readonly [LOCAL_BRAND]: LocalSource;
  readonly #chunkSize: number;
  readonly #durable: boolean;
  readonly #translate: boolean;

  constructor(options: LocalFileSystemBackendOptions) {
    const given = options ?? ({} as Partial<LocalFileSystemBackendOptions>);
    const { location, chunkSize = DEFAULT_CHUNK_SIZE, durable = true, links = "skip" } = given;
    if (typeof location !== "string" || location === "") {
      throw new InvalidOptionsError("location", location, "must be a non-empty path", "LocalFileSystemBackend");
    }
    positiveInteger("chunkSize", chunkSize, "LocalFileSystemBackend");
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
    this.#chunkSize = chunkSize;
    this.#durable = durable;
    this.#translate = links === "translate";
    const root = this.location;
    this[LOCAL_BRAND] = { version: 1, location: root, fileOf: (key) => this.#nativeFileOf(key) };
  }

  /** See {@link SnapshotStorage.read}; an abort of `options.signal` destroys the stream and closes the file. */
  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    const { signal } = options;
    const { file, link } = this.#locate(key);
    throwIfAborted(signal, `the read of '${key}'`);
    if (link) return abortableReadable(Readable.from([await this.#readLink(key, file)]), signal, `the read of '${key}'`);
    const handle = await this.#openFile(key, file);
    return abortableReadable(handle.createReadStream({ highWaterMark: this.#chunkSize }), signal, `the read of '${key}'`);
  }

  async *streamRead(key: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const size = checkChunkSize(options.chunkSize ?? this.#chunkSize);
    const { signal } = options;
    if (signal !== undefined) {
      yield* abortableChunks(this.streamRead(key, { chunkSize: size }), signal, `the read of '${key}'`);
      return;
    }
    const { file, link } = this.#locate(key);
    if (link) {
      yield* rechunk([await this.#readLink(key, file)], size);
      return;
    }
    const handle = await this.#openFile(key, file);
    try {
      for (;;) {
        // One fresh buffer per chunk, filled straight from the file: no copy, no re-slicing.
        const chunk = Buffer.allocUnsafeSlow(size);
        const filled = await readFull(handle, chunk, key);
        if (filled > 0) yield filled === size ? chunk : chunk.subarray(0, filled);
        if (filled < size) return;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * {@link SnapshotStorage.write}; `options.mtime` becomes the file's modification time (set on
   * the temporary file before the rename, so the file appears with it). An abort of
   * `options.signal` before the rename removes the temporary file and the folders made for it.
   */
  async write(key: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    const { file: target, link } = this.#locate(key);
    assertWriteContent(content);
    const { signal } = options;
    throwIfAborted(signal, `the write of '${key}'`);
    const source = signal === undefined ? content : abortableChunks(content, signal, `the write of '${key}'`);
    // A Readable may fail while the folder and temporary file are being made, before it is read:
    // hold its 'error' event so it rejects this write instead of crashing the process, and destroy
    // the stream if the write fails before consuming it.
    const holdError = (): void => undefined;
    if (content instanceof Readable) content.on("error", holdError);
    try {
      if (link) await createLink({ root: this.location, link: target, key, mtime: options.mtime, durable: this.#durable }, source);
      else await this.#replace(key, target, writeContent(source, options.mtime));
    } catch (error) {
      if (content instanceof Readable) content.destroy();
      throw error;
    } finally {
      if (content instanceof Readable) content.off("error", holdError);
    }
  }

  async streamWrite(key: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    await this.write(key, chunks, options);
  }

  async list(prefix: string): Promise<string[]> {
    const { folder, dir } = this.#folderOf(prefix);
    try {
      if ((await listableState(this.location, dir)) !== "present") return [];
      const entries = sortEntries(await readEntries(dir), folder, this.#translate, () => undefined);
      const base = folder === "" ? "" : `${folder}/`;
      const shown = await mapLimit(entries, LIST_CONCURRENCY, async (entry) =>
        entry.kind !== "folder" || (await holdsFile(path.join(dir, entry.name), this.#translate)) ? `${base}${entry.order}` : undefined,
      );
      return shown.filter((key): key is string => key !== undefined);
    } catch (error) {
      throw toStowageError(error, folder, "listing");
    }
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const entry of this.streamList(prefix)) keys.push(entry.path);
    return keys;
  }

  /**
   * Every file below folder `prefix` with its size and mtime, sorted by `compareKeys`, read one
   * folder at a time as the loop consumes it (a few folders ahead), so memory is bounded by
   * folder depth and width. The folder is checked once to be reached without a link; below it,
   * only what readdir reports as files and real folders is kept, so no link is ever followed.
   * Links (in `links: "skip"` mode), FIFOs, sockets, devices and names that are not valid keys
   * go to `options.onSkip`. Rejects with `SnapshotIOError` (`E_IO`) when a folder cannot be read.
   */
  async *streamList(prefix: string, options: StreamListOptions = {}): AsyncGenerator<FileStat, void, undefined> {
    const { folder, dir } = this.#folderOf(prefix);
    try {
      if ((await listableState(this.location, dir)) !== "present") return;
      yield* walkSorted(dir, folder, { onSkip: options.onSkip, descend: options.descend, links: this.#translate ? "translate" : "skip" });
    } catch (error) {
      throw toStowageError(error, folder, "listing");
    }
  }

  async delete(key: string): Promise<void> {
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
      throw toStowageError(error, key, "deleting");
    }
    await pruneEmptyFolders(this.location, dir);
  }

  async exists(key: string): Promise<boolean> {
    const located = this.#locate(key);
    try {
      return await this.#isFile(located);
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
  }

  async stat(key: string): Promise<FileStat> {
    const { file, link } = this.#locate(key);
    try {
      if ((await folderState(this.location, path.dirname(file))) === "present") {
        const stats = link ? await statLink(file) : await lstat(file);
        if (stats !== undefined && (link || stats.isFile())) return { path: key, size: stats.size, mtime: mtimeOf(stats) };
      }
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
    throw new SnapshotNotFoundError(key);
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    const source = this.#locate(src);
    const destination = this.#locate(dst);
    await this.#requireFile(src, source);
    if (src === dst) return;
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
          await this.#requireFile(src, source); // the source vanished meanwhile: not found
          if (attempt < 4) continue; // a concurrent delete pruned the destination folder
        }
        await pruneEmptyFolders(this.location, toDir);
        throw toStowageError(error, dst, "moving");
      }
    }
    if (this.#durable) {
      try {
        await syncFolder(toDir);
        if (fromDir !== toDir) await syncFolder(fromDir);
      } catch (error) {
        throw toStowageError(error, dst, "moving");
      }
    }
    await pruneEmptyFolders(this.location, fromDir);
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
    const { mtime } = await this.stat(src);
    await this.write(dst, await this.read(src), { mtime });
    await this.delete(src);
  }

  /** `syncStorages(this, srcPrefix, this, dstPrefix, options)`: copies inside the root are native (see {@link syncCopier}). */
  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
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

  /**
   * Removes temporary files that crashed processes left behind (`.stowage-tmp-*`), then prunes the
   * folders they leave empty. Files written to within `olderThan` are kept: they may belong to a
   * write still in progress (a running write touches its temporary file with every block).
   * Resolves with the removed paths (with `dryRun`, the paths it would remove; nothing is
   * touched), relative to {@link location}.
   */
  async cleanupTempFiles(options: CleanupOptions = {}): Promise<string[]> {
    const { olderThan = 60 * 60 * 1000, prefix = "", dryRun = false } = options;
    const { folder, dir } = this.#folderOf(prefix);
    if ((await folderState(this.location, dir)) !== "present") return [];
    const cutoff = Date.now() - olderThan;
    const removed = await mapLimit(await findTempFiles(dir, folder), CLEANUP_CONCURRENCY, async (temp) => {
      try {
        if ((await lstat(temp.path)).mtimeMs > cutoff) return undefined;
        if (dryRun) return temp.key;
        await unlink(temp.path);
      } catch (error) {
        if (errnoOf(error) === "ENOENT") return undefined;
        throw toStowageError(error, temp.key, "deleting");
      }
      await pruneEmptyFolders(this.location, path.dirname(temp.path));
      return temp.key;
    });
    return sortKeys(removed.filter((key): key is string => key !== undefined));
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

  /** Validates a key and maps it to its path; reserved temporary-file names are refused. */
  #pathOf(key: string): string {
    const file = resolveUnderRoot(this.location, key);
    assertNotReserved(key);
    return file;
  }

  /** Validates a key and finds its place on disk; in translate mode `x.rclonelink` is the link `x`. */
  #locate(key: string): Located {
    const file = this.#pathOf(key);
    const link = this.#translate && isLinkName(path.basename(file));
    return { file: link ? linkPathOf(file) : file, link };
  }

  /** The path of the regular file a key names, or `undefined` for a translated link (see {@link LocalSource.fileOf}). */
  #nativeFileOf(key: string): string | undefined {
    const { file, link } = this.#locate(key);
    return link ? undefined : file;
  }

  /** The target of translated link `key` at `link`, read without following it. */
  async #readLink(key: string, link: string): Promise<Buffer> {
    try {
      if ((await folderState(this.location, path.dirname(link))) !== "present") throw new SnapshotNotFoundError(key);
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
    return readLinkTarget(link, key);
  }

  #folderOf(prefix: string): { folder: string; dir: string } {
    const folder = normalizePrefix(prefix);
    assertNotReserved(folder);
    return { folder, dir: this.#folderPath(folder) };
  }

  /** The path of a normalized folder prefix (`""` is the root). */
  #folderPath(folder: string): string {
    return folder === "" ? this.location : resolveUnderRoot(this.location, folder);
  }

  /** True when a located key is there: a regular file, or a link for a translated key. */
  async #isFile({ file, link }: Located): Promise<boolean> {
    if ((await folderState(this.location, path.dirname(file))) !== "present") return false;
    try {
      const stats = await lstat(file);
      return link ? stats.isSymbolicLink() : stats.isFile();
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  async #requireFile(key: string, located: Located): Promise<void> {
    let found;
    try {
      found = await this.#isFile(located);
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
    if (!found) throw new SnapshotNotFoundError(key);
  }

  /** Opens a regular file (`file`, of `key`) for reading without following a link at any segment. */
  async #openFile(key: string, file: string): Promise<FileHandle> {
    let handle: FileHandle | undefined;
    try {
      if ((await folderState(this.location, path.dirname(file))) === "present") {
        // O_NOFOLLOW refuses a link as the last segment; O_NONBLOCK keeps a planted FIFO from hanging.
        handle = await open(file, READ_FLAGS);
        if ((await handle.stat()).isFile()) return handle;
      }
    } catch (error) {
      await handle?.close();
      throw toStowageError(error, key, "reading");
    }
    await handle?.close();
    throw new SnapshotNotFoundError(key);
  }

  #replace(key: string, target: string, fill: Fill): Promise<void> {
    return replaceFile({ root: this.location, target, key, durable: this.#durable }, fill);
  }
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
async function readFull(handle: FileHandle, buffer: Buffer, key: string): Promise<number> {
  let filled = 0;
  try {
    while (filled < buffer.byteLength) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.byteLength - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw toStowageError(error, key, "reading");
  }
  return filled;
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
