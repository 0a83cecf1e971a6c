import { once } from "node:events";
import type { Readable } from "node:stream";
import {
  DEFAULT_MAX_BUFFER_BYTES,
  InvalidOptionsError,
  InvalidPathError,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
  SnapshotIOError,
  SnapshotNotFoundError,
  abortableChunks,
  abortableReadable,
  bufferContent,
  checkFileFolderConflict,
  isStowageError,
  isValidKey,
  listFlatLevel,
  normalizePrefix,
  positiveInteger,
  sortKeys,
  sortedKeysReader,
  throwIfAborted,
  validateKey,
  type ReadOptions,
  type SnapshotStorage,
  type WriteContent,
  type WriteOptions,
} from "@stowage/core";
import type { Disk } from "flydrive";
import { fsDiskRoot, pruneFolders, writeFileAtomically } from "./fs-disk.js";
import { decodeKey, encodeKey } from "./key-codec.js";

/** Options of {@link FlydriveStorage}. */
export interface FlydriveStorageOptions {
  /**
   * The largest content a write accepts on drivers other than fs, in bytes. Their uploads are not
   * both streamed and all-or-nothing (S3's `putStream` needs a known length), so a write holds its
   * whole content in memory and uploads it with one `put`; past this cap it stops reading and
   * rejects with `ContentTooLargeError` (`E_TOO_LARGE`), writing nothing. Default 64 MiB. The fs
   * driver streams, with no cap.
   */
  maxBufferBytes?: number;
}

const OWNER = "FlydriveStorage";

/**
 * The basic blob tier over any flydrive `Disk` (fs, S3, GCS, R2, …): `read`, `write`, `list`,
 * `delete` and `exists`.
 *
 * - It never claims the advanced tier: flydrive's drivers have no atomic move (fs copies the file
 *   and then unlinks it; S3 and GCS copy and then delete), so `atomicMove` could not keep its
 *   promise, and `isAdvancedSnapshotStorage` is `false` for every disk.
 * - Keys: stowage's rules apply before any call; each key is then stored in flydrive's key
 *   alphabet (see the README), one-to-one. A key whose stored form would pass 255 bytes in a
 *   segment or 1024 bytes in all is refused with `InvalidPathError` (`E_INVALID_PATH`) before any
 *   call: the bridge never stores a key as something else.
 * - Reads stream through `getStream`. Writes: on the fs driver, streamed into a temporary file
 *   and renamed over the file (atomic); on other drivers, buffered up to `maxBufferBytes` and
 *   uploaded with one `put` (an S3 PUT replaces the object whole).
 * - Listings read the folder's keys with `listAll` (recursive, every page), then sort them and cut
 *   them into one level with core's flat-key helpers: memory grows with the keys under the folder.
 * - A write is refused with `SnapshotConflictError` when a folder exists at its key or a parent is
 *   a file; the check and the write are separate calls, not one atomic step.
 *
 * Driver failures reject with `SnapshotIOError` (`E_IO`), the flydrive error as `cause`.
 */
export class FlydriveStorage implements SnapshotStorage {
  /** The wrapped disk. */
  readonly disk: Disk;
  readonly #maxBufferBytes: number;
  /** The fs driver's folder, when the disk is on the fs driver. */
  readonly #fsRoot: string | undefined;

  /**
   * @param disk - a flydrive `Disk`
   * @throws InvalidOptionsError (`E_INVALID_OPTIONS`) for a disk that is not one, or a cap that is not a positive integer
   */
  constructor(disk: Disk, options: FlydriveStorageOptions = {}) {
    if (disk === null || typeof disk !== "object" || typeof disk.listAll !== "function" || typeof disk.driver !== "object") {
      throw new InvalidOptionsError("disk", disk, "must be a flydrive Disk", OWNER);
    }
    this.disk = disk;
    this.#maxBufferBytes = positiveInteger("maxBufferBytes", options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES, OWNER);
    this.#fsRoot = fsDiskRoot(disk);
  }

  /** See {@link SnapshotStorage.read}; an abort of `options.signal` destroys the stream with `AbortError`. */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const key = this.#key(path);
    const what = `the read of '${path}'`;
    throwIfAborted(options.signal, what);
    if (!(await this.#isFile(path, key))) throw new SnapshotNotFoundError(path);
    try {
      const stream = await this.disk.getStream(key);
      // The fs driver's stream opens the file later: wait, so that a missing file rejects here and
      // the open file survives a delete or overwrite (and a stream dropped at once fails no later).
      if ((stream as { pending?: unknown }).pending === true) {
        await once(stream, "ready").catch((error: unknown) => {
          stream.destroy();
          throw error;
        });
      }
      return abortableReadable(stream, options.signal, what);
    } catch (error) {
      if (!(await this.#isFile(path, key))) throw new SnapshotNotFoundError(path, { cause: error });
      throw ioError(path, error);
    }
  }

  /**
   * Stores `content` at `path` (see the contract). `options.mtime` is ignored: flydrive sets no
   * modification time. On drivers other than fs, rejects with `ContentTooLargeError` past
   * `maxBufferBytes`. An abort of `options.signal` rejects with `AbortError` and stores nothing.
   */
  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    const key = this.#key(path);
    const what = `the write of '${path}'`;
    throwIfAborted(options.signal, what);
    // An abort cuts the content, so the write fails as for any failing source and leaves nothing.
    const source = abortableChunks(content, options.signal, what);
    const root = this.#fsRoot;
    if (root !== undefined) {
      await this.#checkConflict(path);
      await this.#call(path, () => writeFileAtomically(root, key, source));
      return;
    }
    const bytes = await bufferContent(path, source, this.#maxBufferBytes);
    // Checked once the content is in, right before the upload (each check is a few requests).
    await this.#checkConflict(path);
    throwIfAborted(options.signal, what);
    await this.#call(path, () => this.disk.put(key, bytes));
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const entries: string[] = [];
    for await (const entry of listFlatLevel(folder, sortedKeysReader(await this.#keysUnder(folder)))) entries.push(entry);
    return entries;
  }

  async delete(path: string): Promise<void> {
    const key = this.#key(path);
    try {
      await this.disk.delete(key);
    } catch (error) {
      // The fs driver, when the key is a folder or lies under a file: there is no file to delete.
      if (hasCode(error, "EISDIR") || hasCode(error, "ENOTDIR")) return;
      throw ioError(path, error);
    }
    if (this.#fsRoot !== undefined) await pruneFolders(this.#fsRoot, key);
  }

  async exists(path: string): Promise<boolean> {
    return this.#isFile(path, this.#key(path));
  }

  /** True when a file is stored at `key`; a parent that is a file (fs: ENOTDIR) means no. */
  async #isFile(path: string, key: string): Promise<boolean> {
    try {
      return await this.disk.exists(key);
    } catch (error) {
      if (hasCode(error, "ENOTDIR")) return false;
      throw ioError(path, error);
    }
  }

  /** Validates `path` and returns its flydrive key, refusing keys the disk could not hold as they are. */
  #key(path: string): string {
    validateKey(path);
    const key = encodeKey(path);
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw new InvalidPathError(path, `its flydrive form is longer than ${MAX_KEY_BYTES} bytes`);
    }
    if (key.split("/").some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) {
      throw new InvalidPathError(path, `a segment's flydrive form is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
    return key;
  }

  async #checkConflict(path: string): Promise<void> {
    await checkFileFolderConflict(path, {
      isFile: (key) => this.#isFile(key, encodeKey(key)),
      isFolder: async (key) => (await this.#keysUnder(key, 1)).length > 0,
    });
  }

  /**
   * The stowage keys of the files under `folder`, sorted: every page of a recursive `listAll`
   * (or, with `enough`, pages until that many are found). Names the codec does not produce are
   * passed over.
   */
  async #keysUnder(folder: string, enough = Number.POSITIVE_INFINITY): Promise<string[]> {
    const base = folder === "" ? "" : `${folder}/`;
    const keys: string[] = [];
    let paginationToken: string | undefined;
    do {
      const token = paginationToken;
      let page: Awaited<ReturnType<Disk["listAll"]>>;
      try {
        // The driver's own listAll (part of flydrive's DriverContract): the Disk's would strip the
        // trailing '/', and an S3 prefix 'a' also matches every 'ab…' sibling.
        page = await this.disk.driver.listAll(folder === "" ? "/" : `${encodeKey(folder)}/`, { recursive: true, paginationToken: token });
      } catch (error) {
        if (hasCode(error, "ENOTDIR")) return []; // the fs driver, when the folder's name is a file
        throw ioError(folder, error);
      }
      for (const entry of page.objects) {
        if (!entry.isFile) continue;
        const key = decodeKey(entry.key);
        if (key !== undefined && isValidKey(key) && key.startsWith(base)) keys.push(key);
      }
      paginationToken = page.paginationToken;
    } while (paginationToken !== undefined && keys.length < enough);
    return sortKeys(keys);
  }

  /** Runs a flydrive call, wrapping what it throws as `SnapshotIOError`. */
  async #call<T>(path: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (isStowageError(error)) throw error;
      throw ioError(path, error);
    }
  }
}

/** True when `error`, or the error it wraps (flydrive wraps driver errors), has Node's `code`. */
function hasCode(error: unknown, code: string): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    if ((current as NodeJS.ErrnoException).code === code) return true;
  }
  return false;
}

function ioError(path: string, error: unknown): SnapshotIOError {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  const message = error instanceof Error ? error.message : String(error);
  return new SnapshotIOError(`flydrive failed on '${path}': ${message}${cause}`, path, { cause: error });
}
