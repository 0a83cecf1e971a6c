import { Readable } from "node:stream";
import {
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_CHUNK_SIZE,
  InvalidOptionsError,
  SnapshotIOError,
  SnapshotNotFoundError,
  abortableChunks,
  abortableReadable,
  bufferContent,
  throwIfAborted,
  type ReadOptions,
  checkFileFolderConflict,
  flatFolderExists,
  isStowageError,
  isValidKey,
  listFlatLevel,
  normalizePrefix,
  positiveInteger,
  sortKeys,
  sortedKeysReader,
  validateKey,
  type SnapshotStorage,
  type SortedKeyReader,
  type WriteContent,
  type WriteOptions,
} from "@stowage/core";
import { createStorage, type Driver, type Storage } from "unstorage";
import { fsDriverFile, isDriverFile, isDriverFolder, pruneFolders, writeFileAtomically } from "./fs-driver.js";
import { decodeKey, encodeKey } from "./key-codec.js";

/** Options of {@link UnstorageStorage}. */
export interface UnstorageStorageOptions {
  /**
   * The largest value a write accepts, in bytes. unstorage drivers store a value whole, so a write
   * holds its whole content in memory before it stores it; past this cap it stops reading and
   * rejects with `ContentTooLargeError` (`E_TOO_LARGE`), writing nothing. Default 64 MiB.
   */
  maxBufferBytes?: number;
  /** Bytes per chunk of the stream that `read` returns. Default 256 KiB. */
  chunkSize?: number;
}

const OWNER = "UnstorageStorage";

/**
 * The basic blob tier over any unstorage `Storage` or driver (memory, fs, redis, Cloudflare KV,
 * Vercel Blob, …): `read`, `write`, `list`, `delete` and `exists`.
 *
 * - Keys: every key is checked by stowage's rules before any call, then stored in an escaped form
 *   (see the README) so that unstorage's own key normalisation never merges two stowage keys.
 *   Keys that a program stored through unstorage directly show up under the stowage key they
 *   spell (`docs:readme.md` is `docs/readme.md`), unless they are not in the escaped form (a raw
 *   `%` sequence or a trailing `$`): those are left out of listings.
 * - Content: drivers have no streams, so a write buffers its content in memory, up to
 *   {@link UnstorageStorageOptions.maxBufferBytes}, and stores it with one `setItemRaw`; a source
 *   that fails half-way, or passes the cap, leaves the old value untouched. A read fetches the
 *   whole value with `getItemRaw` and streams it out in `chunkSize` slices.
 * - Listings come from `getKeys` of the folder, sorted and cut into one level by core's
 *   flat-key helpers: memory grows with the number of keys under the folder listed.
 * - Files and folders: a write is refused with `SnapshotConflictError` when a folder exists at its
 *   key or a parent is a file, checked once the content is buffered. The check and the write are
 *   separate driver calls, not one atomic step. The folder check lists the keys under the written
 *   key (`getKeys`; the redis driver SCANs the keyspace for it), except on the fs drivers (one
 *   `readdir`).
 *
 * - On unstorage's fs drivers (`fs`, `fs-lite`), whose own writes are a plain `writeFile` onto the
 *   file, the bridge writes the driver's file itself through a temporary file and a rename, so a
 *   write is atomic there too; and it removes the folders a delete leaves empty (the drivers keep
 *   them), so that a folder goes with its last file. Any other driver's write is its `setItemRaw`,
 *   as atomic as that driver makes it.
 *
 * Driver failures reject with `SnapshotIOError` (`E_IO`) carrying the driver's error as `cause`.
 * It does not claim the advanced tier: unstorage has neither streams nor an atomic move.
 */
export class UnstorageStorage implements SnapshotStorage {
  /** The wrapped unstorage `Storage` (made with `createStorage` when a driver was given). */
  readonly storage: Storage;
  readonly #maxBufferBytes: number;
  readonly #chunkSize: number;

  /**
   * @param target - an unstorage `Storage` (from `createStorage`, mounts included) or a bare driver
   * @throws InvalidOptionsError (`E_INVALID_OPTIONS`) for a cap or chunk size that is not a positive integer
   */
  constructor(target: Storage | Driver, options: UnstorageStorageOptions = {}) {
    this.#maxBufferBytes = positiveInteger("maxBufferBytes", options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES, OWNER);
    this.#chunkSize = positiveInteger("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, OWNER);
    if (target === null || typeof target !== "object" || typeof target.getKeys !== "function") {
      throw new InvalidOptionsError("target", target, "must be an unstorage Storage or driver", OWNER);
    }
    this.storage = isStorage(target) ? target : createStorage({ driver: target });
  }

  /** See {@link SnapshotStorage.read}; an abort of `options.signal` destroys the stream with `AbortError`. */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    validateKey(path);
    const what = `the read of '${path}'`;
    throwIfAborted(options.signal, what);
    const bytes = await this.#readValue(path);
    if (bytes === undefined) throw new SnapshotNotFoundError(path);
    throwIfAborted(options.signal, what);
    return abortableReadable(Readable.from(slices(bytes, this.#chunkSize), { objectMode: false }), options.signal, what);
  }

  /**
   * Stores `content` at `path` (see the contract). `options.mtime` is ignored: unstorage keeps no
   * settable modification time. Rejects with `ContentTooLargeError` past `maxBufferBytes`, and with
   * `AbortError` when `options.signal` aborts before the value is handed to the driver (nothing stored).
   */
  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    const what = `the write of '${path}'`;
    throwIfAborted(options.signal, what);
    const bytes = await bufferContent(path, abortableChunks(content, options.signal, what), this.#maxBufferBytes);
    // Checked once the content is in, right before it is stored: on most drivers the folder check
    // lists keys (the redis driver SCANs), so it is not paid twice.
    await this.#checkConflict(path);
    throwIfAborted(options.signal, what);
    const key = encodeKey(path);
    const file = fsDriverFile(this.storage, key);
    await this.#call(path, () => (file === undefined ? this.storage.setItemRaw(key, bytes) : writeFileAtomically(file, bytes)));
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const entries: string[] = [];
    for await (const entry of listFlatLevel(folder, await this.#keysUnder(folder))) entries.push(entry);
    return entries;
  }

  async delete(path: string): Promise<void> {
    validateKey(path);
    const key = encodeKey(path);
    await this.#call(path, () => this.storage.removeItem(key));
    const file = fsDriverFile(this.storage, key);
    if (file !== undefined) await pruneFolders(file);
  }

  /**
   * True when a file is stored at `path`: the driver's `hasItem`, except on the fs drivers, whose
   * `hasItem` is also true for a folder; there the file itself is checked.
   */
  async exists(path: string): Promise<boolean> {
    validateKey(path);
    return this.#isFile(path);
  }

  async #isFile(path: string): Promise<boolean> {
    const key = encodeKey(path);
    const file = fsDriverFile(this.storage, key);
    return this.#call(path, () => (file === undefined ? this.storage.hasItem(key) : isDriverFile(file)));
  }

  async #checkConflict(path: string): Promise<void> {
    await checkFileFolderConflict(path, {
      isFile: (key) => this.#isFile(key),
      isFolder: async (key) => {
        const file = fsDriverFile(this.storage, encodeKey(key));
        if (file !== undefined) return this.#call(key, () => isDriverFolder(file));
        return flatFolderExists(key, await this.#keysUnder(key));
      },
    });
  }

  /** The stored value at `path` as bytes, or `undefined` when there is none. */
  async #readValue(path: string): Promise<Buffer | undefined> {
    const value: unknown = await this.#call(path, () => this.storage.getItemRaw(encodeKey(path)));
    return value === null || value === undefined ? undefined : toBytes(value);
  }

  /** Every stowage key under `folder`, sorted, as a reader for core's flat-key listings. */
  async #keysUnder(folder: string): Promise<SortedKeyReader> {
    const stored = await this.#call(folder, () => this.storage.getKeys(encodeKey(folder)));
    const keys: string[] = [];
    for (const key of stored) {
      const decoded = decodeKey(key);
      if (decoded !== undefined && isValidKey(decoded)) keys.push(decoded);
    }
    return sortedKeysReader(sortKeys(keys));
  }

  /** Runs a driver call, wrapping what it throws as `SnapshotIOError`. */
  async #call<T>(path: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (isStowageError(error)) throw error;
      throw new SnapshotIOError(`unstorage failed on '${path}': ${error instanceof Error ? error.message : String(error)}`, path, {
        cause: error,
      });
    }
  }
}

function isStorage(target: Storage | Driver): target is Storage {
  return typeof (target as Partial<Storage>).mount === "function" && typeof (target as Partial<Storage>).getItemRaw === "function";
}

/**
 * A stored value as bytes: raw values are bytes already; a string (a value stored with `setItem`)
 * is its UTF-8; anything else (JSON that another program stored) is its JSON text.
 */
function toBytes(value: unknown): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.from(JSON.stringify(value), "utf8");
}

/** Copies of `data` in `size`-byte slices, so a caller can never alter a value a driver holds. */
function* slices(data: Buffer, size: number): Generator<Buffer, void, undefined> {
  for (let offset = 0; offset < data.byteLength; offset += size) yield Buffer.from(data.subarray(offset, offset + size));
}
