import { constants, mkdirSync, realpathSync, statSync } from "node:fs";
import { copyFile, lstat, open, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import {
  checkChunkSize,
  DEFAULT_CHUNK_SIZE,
  SnapshotIOError,
  SnapshotNotFoundError,
  isWriteContent,
  mapLimit,
  normalizePrefix,
  resolveUnderRoot,
  sortKeys,
  syncStorages,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type StreamReadOptions,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
  InvalidOptionsError,
  positiveInteger,
} from "@stowage/core";
import { assertReplaceable, replaceFile, syncFile, writeContent, type Fill } from "./atomic-write.js";
import { ensureFolder, folderState, pruneEmptyFolders, syncFolder } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { assertNotReserved } from "./temp-files.js";
import { statTree } from "./stat-tree.js";
import { holdsFile, readFolder, walkTree } from "./tree.js";

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
}

/** Options of {@link LocalFileSystemBackend.cleanupTempFiles}. */
export interface CleanupOptions {
  /** Only remove temporary files whose last write is older than this many milliseconds. Default 1 hour. */
  olderThan?: number;
  /** Only look below this folder. Default: the whole root. */
  prefix?: string;
}

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const STAT_CONCURRENCY = 32;
const LIST_CONCURRENCY = 8;

/**
 * The advanced blob tier on a local folder: every key is a file below `location`.
 *
 * - Writes are atomic (temporary file, fsync, rename); failed writes leave nothing behind.
 * - No key reaches outside `location`: keys are validated, and symbolic links below the root are
 *   never followed (reads treat them as missing, writes as conflicts, listings skip them).
 * - Folders are implicit: empty folders are pruned after deletes and moves, and never listed.
 */
export class LocalFileSystemBackend implements AdvancedSnapshotStorage {
  /** The canonical (absolute, symlink-free) path of the storage root. */
  readonly location: string;
  readonly #chunkSize: number;
  readonly #durable: boolean;

  constructor(options: LocalFileSystemBackendOptions) {
    const { location, chunkSize = DEFAULT_CHUNK_SIZE, durable = true } = options ?? ({} as Partial<LocalFileSystemBackendOptions>);
    if (typeof location !== "string" || location === "") {
      throw new InvalidOptionsError("location", location, "must be a non-empty path", "LocalFileSystemBackend");
    }
    positiveInteger("chunkSize", chunkSize, "LocalFileSystemBackend");
    try {
      mkdirSync(location, { recursive: true });
      this.location = realpathSync.native(path.resolve(location));
      if (!statSync(this.location).isDirectory()) throw new Error("not a folder");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SnapshotIOError(`Cannot use '${location}' as a storage root: ${reason}`, undefined, { cause: error });
    }
    this.#chunkSize = chunkSize;
    this.#durable = durable;
  }

  async read(key: string): Promise<Readable> {
    const handle = await this.#openFile(key);
    return handle.createReadStream({ highWaterMark: this.#chunkSize });
  }

  async *streamRead(key: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const size = checkChunkSize(options.chunkSize ?? this.#chunkSize);
    const handle = await this.#openFile(key);
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

  async write(key: string, content: WriteContent): Promise<void> {
    const target = this.#pathOf(key);
    if (!isWriteContent(content)) {
      throw new TypeError("write content must be a Readable, an iterable of Uint8Array, a Uint8Array or a string");
    }
    // A Readable may fail while the folder and temporary file are being made, before it is read:
    // hold its 'error' event so it rejects this write instead of crashing the process, and destroy
    // the stream if the write fails before consuming it.
    const holdError = (): void => undefined;
    if (content instanceof Readable) content.on("error", holdError);
    try {
      await this.#replace(key, target, writeContent(content));
    } catch (error) {
      if (content instanceof Readable) content.destroy();
      throw error;
    } finally {
      if (content instanceof Readable) content.off("error", holdError);
    }
  }

  async streamWrite(key: string, chunks: ChunkSource): Promise<void> {
    await this.write(key, chunks);
  }

  async list(prefix: string): Promise<string[]> {
    const { folder, dir } = this.#folderOf(prefix);
    try {
      if ((await folderState(this.location, dir)) !== "present") return [];
      const contents = await readFolder(dir, folder);
      const shown = await mapLimit(contents.folders, LIST_CONCURRENCY, async (entry) =>
        (await holdsFile(entry.path)) ? `${entry.key}/` : undefined,
      );
      const folders = shown.filter((key): key is string => key !== undefined);
      return sortKeys([...contents.files.map((entry) => entry.key), ...folders]);
    } catch (error) {
      throw toStowageError(error, folder, "listing");
    }
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const { folder, dir } = this.#folderOf(prefix);
    try {
      if ((await folderState(this.location, dir)) !== "present") return [];
      return sortKeys((await walkTree(dir, folder, "files")).map((entry) => entry.key));
    } catch (error) {
      throw toStowageError(error, folder, "listing");
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.#pathOf(key);
    const dir = path.dirname(file);
    try {
      if ((await folderState(this.location, dir)) !== "present") return;
      if (!(await lstat(file)).isFile()) return; // folders and links are not files: nothing to delete
      await unlink(file);
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return;
      throw toStowageError(error, key, "deleting");
    }
    await pruneEmptyFolders(this.location, dir);
  }

  async exists(key: string): Promise<boolean> {
    const file = this.#pathOf(key);
    try {
      return await this.#isFile(file);
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
  }

  async stat(key: string): Promise<FileStat> {
    const file = this.#pathOf(key);
    try {
      if ((await folderState(this.location, path.dirname(file))) === "present") {
        const stats = await lstat(file);
        if (stats.isFile()) return { path: key, size: stats.size, mtime: stats.mtime };
      }
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
    throw new SnapshotNotFoundError(key);
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    const from = this.#pathOf(src);
    const to = this.#pathOf(dst);
    await this.#requireFile(src, from);
    if (src === dst) return;
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
          await this.#requireFile(src, from); // the source vanished meanwhile: not found
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

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    const knownFolders = new Set<string>();
    const flush = async (): Promise<void> => {
      // Each folder that received files is fsynced once, not once per file.
      if (this.#durable) await mapLimit([...knownFolders], LIST_CONCURRENCY, syncFolder);
    };
    let report: SyncReport;
    try {
      report = await syncStorages(this, srcPrefix, this, dstPrefix, options, {
        copy: (from, to) => this.#copy(from, to, knownFolders),
        listStats: (prefix) => this.#listStats(prefix),
      });
    } catch (error) {
      await flush().catch(() => undefined); // the sync's own error is the one to report
      throw error;
    }
    await flush().catch((error: unknown) => {
      throw toStowageError(error, normalizePrefix(dstPrefix), "writing");
    });
    return report;
  }

  /**
   * Removes temporary files that crashed processes left behind (`.stowage-tmp-*`), then prunes the
   * folders they leave empty. Files written to within `olderThan` are kept: they may belong to a
   * write still in progress (a running write touches its temporary file with every block).
   * Resolves with the removed paths, relative to {@link location}.
   */
  async cleanupTempFiles(options: CleanupOptions = {}): Promise<string[]> {
    const { olderThan = 60 * 60 * 1000, prefix = "" } = options;
    const { folder, dir } = this.#folderOf(prefix);
    if ((await folderState(this.location, dir)) !== "present") return [];
    const cutoff = Date.now() - olderThan;
    const removed = await mapLimit(await walkTree(dir, folder, "temps"), STAT_CONCURRENCY, async (temp) => {
      try {
        if ((await lstat(temp.path)).mtimeMs > cutoff) return undefined;
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

  /** Validates a key and maps it to its path; reserved temporary-file names are refused. */
  #pathOf(key: string): string {
    const file = resolveUnderRoot(this.location, key);
    assertNotReserved(key);
    return file;
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

  async #isFile(file: string): Promise<boolean> {
    if ((await folderState(this.location, path.dirname(file))) !== "present") return false;
    try {
      return (await lstat(file)).isFile();
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  async #requireFile(key: string, file: string): Promise<void> {
    let found;
    try {
      found = await this.#isFile(file);
    } catch (error) {
      throw toStowageError(error, key, "reading");
    }
    if (!found) throw new SnapshotNotFoundError(key);
  }

  /** Opens a regular file for reading without following a link at any segment. */
  async #openFile(key: string): Promise<FileHandle> {
    const file = this.#pathOf(key);
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

  /**
   * The sync engine's copy: the kernel copies (reflink or copy_file_range) into a temporary file.
   * Source keys come from this sync's own walk, which never follows a link.
   */
  async #copy(fromKey: string, toKey: string, knownFolders: Set<string>): Promise<void> {
    const from = this.#pathOf(fromKey);
    const to = this.#pathOf(toKey);
    await replaceFile({ root: this.location, target: to, key: toKey, durable: this.#durable, knownFolders }, copyInto(from, fromKey));
  }

  /**
   * Every file below a folder with its size and mtime, in one walk (for the sync planner); each
   * folder's files are statted as soon as it is read (see {@link statTree}).
   */
  async #listStats(folder: string): Promise<FileStat[]> {
    const dir = this.#folderPath(folder);
    try {
      if ((await folderState(this.location, dir)) !== "present") return [];
      return await statTree(dir, folder);
    } catch (error) {
      throw toStowageError(error, folder, "listing");
    }
  }
}

/** A {@link Fill} that copies file `from` (key `fromKey`) with the kernel's fastest method. */
function copyInto(from: string, fromKey: string): Fill {
  return async (tempPath, durable) => {
    try {
      await copyFile(from, tempPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    } catch (error) {
      // ENOENT is ambiguous: a missing source is "not found"; a vanished target folder is retried.
      if (errnoOf(error) === "ENOENT" && !(await exists(from))) throw new SnapshotNotFoundError(fromKey, { cause: error });
      throw error;
    }
    if (durable) await syncFile(tempPath);
  };
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
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
