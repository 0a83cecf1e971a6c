import crypto from "node:crypto";
import type { Readable } from "node:stream";
import { StoredBytesReadable } from "./stored-bytes-readable.js";
import {
  abortableChunks,
  abortableReadable,
  checkChunkSize,
  throwIfAborted,
  DEFAULT_CHUNK_SIZE,
  SnapshotConflictError,
  SnapshotNotFoundError,
  compareKeys,
  fileFolderConflict,
  listFlatKeys,
  listFlatLevel,
  sortedKeysReader,
  type KeyKinds,
  normalizePrefix,
  parentFolders,
  syncStorages,
  validateKey,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type ReadOptions,
  type SnapshotStorage,
  type StreamReadOptions,
  type SyncCopier,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
  type WriteOptions,
  positiveInteger,
} from "@stowage/core";

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** Bytes per chunk of `read` and `streamRead`. Default 256 KiB. */
  chunkSize?: number;
}

/** Recognises a MemoryStorage from any copy of this package, for native copies between two of them. */
const BRAND = Symbol.for("stowage.memory-storage");

interface StoredFile {
  data: Buffer;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /** MD5 of `data`, hex: computed at the first `stat` or listing, not per write (issue 14). */
  etag?: string;
}

/**
 * The advanced blob tier held in process memory: the reference implementation of the contract,
 * for tests and demos. Content is copied in and out, so callers can never alter stored bytes.
 */
export class MemoryStorage implements AdvancedSnapshotStorage {
  readonly #files = new Map<string, StoredFile>();
  /** Folder -> number of files below it; a key is a folder exactly while its count is positive. */
  readonly #folders = new Map<string, number>();
  readonly #chunkSize: number;
  /** Every file key in compareKeys order, rebuilt on the first listing after a file appears or goes. */
  #sorted: string[] | undefined;

  constructor(options: MemoryStorageOptions = {}) {
    this.#chunkSize = positiveInteger("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, "MemoryStorage");
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { signal } = options;
    // Looked up now, so a missing file rejects here rather than as a stream error later.
    const { data } = this.#get(path);
    throwIfAborted(signal, `the read of '${path}'`);
    const stream = new StoredBytesReadable(data, this.#chunkSize);
    return signal === undefined ? stream : abortableReadable(stream, signal, `the read of '${path}'`);
  }

  /** See {@link SnapshotStorage.write}; an abort of `options.signal` stores nothing. */
  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    const { signal } = options;
    throwIfAborted(signal, `the write of '${path}'`);
    // Bytes and strings at hand are copied and stored at once (nothing can change in between:
    // one check is enough); anything else streams in, cut by the signal, and is checked again.
    if (content instanceof Uint8Array || typeof content === "string") {
      const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
      return this.#store(path, this.#assertWritable(path), { data, mtime: options.mtime?.getTime() ?? Date.now() });
    }
    this.#assertWritable(path);
    const parts: Buffer[] = [];
    for await (const chunk of abortableChunks(content, signal, `the write of '${path}'`)) parts.push(Buffer.from(chunk));
    this.#commit(path, Buffer.concat(parts), options.mtime);
  }

  async streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    return this.write(path, chunks, options);
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const { data } = this.#get(path);
    const chunks = copiedChunks(data, options.chunkSize ?? this.#chunkSize);
    yield* options.signal === undefined ? chunks : abortableChunks(chunks, options.signal, `the read of '${path}'`);
  }

  /** One level, from the sorted key index (core's flat-key listing): sub-folders are skipped by binary search. */
  async list(prefix: string): Promise<string[]> {
    const entries: string[] = [];
    for await (const entry of listFlatLevel(normalizePrefix(prefix), this.#readKeys)) entries.push(entry);
    return entries;
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const stat of this.streamList(prefix)) keys.push(stat.path);
    return keys;
  }

  /**
   * Walks the sorted key index from the first key of the folder (a binary search), so a listing
   * starts at once whatever the store holds; files changed while it runs show their state when reached.
   */
  async *streamList(prefix: string): AsyncGenerator<FileStat, void, undefined> {
    for await (const key of listFlatKeys(normalizePrefix(prefix), this.#readKeys)) {
      const file = this.#files.get(key);
      if (file !== undefined) yield statOf(key, file);
    }
  }

  async delete(path: string): Promise<void> {
    validateKey(path);
    if (!this.#files.delete(path)) return;
    this.#sorted = undefined;
    for (const parent of parentFolders(path)) {
      const count = (this.#folders.get(parent) ?? 0) - 1;
      if (count > 0) this.#folders.set(parent, count);
      else this.#folders.delete(parent);
    }
  }

  async exists(path: string): Promise<boolean> {
    return this.#files.has(validateKey(path));
  }

  async stat(path: string): Promise<FileStat> {
    return statOf(path, this.#get(path));
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    const file = this.#get(src);
    if (src === dst) return;
    const parents = this.#assertWritable(dst);
    await this.delete(src);
    this.#store(dst, parents, file);
  }

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
  }

  /** Between two MemoryStorages, copies share the stored (never mutated) bytes: nothing is copied. */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    const from = (source as { [BRAND]?: (key: string) => StoredFile })[BRAND];
    if (typeof from !== "function") return undefined;
    return {
      copy: async (sourceKey, targetKey, stat) => {
        validateKey(targetKey);
        const file = from.call(source, sourceKey);
        this.#store(targetKey, this.#assertWritable(targetKey), { ...file, mtime: stat.mtime.getTime() });
      },
      finish: async () => undefined,
    };
  }

  /** @internal The stored file at `key`, for another MemoryStorage's copier (see {@link syncCopier}); never hand it out. */
  [BRAND](key: string): StoredFile {
    return this.#get(key);
  }

  #get(path: string): StoredFile {
    const file = this.#files.get(validateKey(path));
    if (file === undefined) throw new SnapshotNotFoundError(path);
    return file;
  }

  /** Rejects a file/folder conflict at `path` (core's rule); returns its parent folders, for {@link #store}. */
  #assertWritable(path: string): string[] {
    const reason = fileFolderConflict(path, this.#kinds);
    if (reason !== undefined) throw new SnapshotConflictError(path, reason);
    return parentFolders(path);
  }

  /** What {@link fileFolderConflict} asks of this storage, made once rather than per write. */
  readonly #kinds: KeyKinds<boolean> = { isFile: (key) => this.#files.has(key), isFolder: (key) => this.#folders.has(key) };

  /** A page of the sorted key index from `from` on (a `SortedKeyReader` for core's listings). */
  readonly #readKeys = (from: string, end: string | undefined, limit: number): readonly string[] =>
    sortedKeysReader(this.#sortedKeys())(from, end, limit);

  #commit(path: string, data: Buffer, mtime?: Date): void {
    // Re-checked: the world may have changed while the content was streaming in.
    const parents = this.#assertWritable(path);
    this.#store(path, parents, { data, mtime: mtime === undefined ? Date.now() : mtime.getTime() });
  }

  /** Stores `file` at `path`, whose parent folders (`parents`) {@link #assertWritable} just checked. */
  #store(path: string, parents: readonly string[], file: StoredFile): void {
    if (!this.#files.has(path)) {
      for (const parent of parents) this.#folders.set(parent, (this.#folders.get(parent) ?? 0) + 1);
      this.#sorted = undefined;
    }
    this.#files.set(path, file);
  }

  #sortedKeys(): string[] {
    this.#sorted ??= [...this.#files.keys()].sort(compareKeys);
    return this.#sorted;
  }
}

/** Copies of `data` in `size`-byte slices, so callers can never alter stored bytes. */
function* copiedChunks(data: Buffer, size: number): Generator<Buffer, void, undefined> {
  checkChunkSize(size);
  for (let offset = 0; offset < data.byteLength; offset += size) yield Buffer.from(data.subarray(offset, offset + size));
}

function statOf(path: string, file: StoredFile): FileStat {
  file.etag ??= md5(file.data);
  return { path, size: file.data.byteLength, mtime: new Date(file.mtime), etag: file.etag };
}

/**
 * MD5 of `data`, hex: the one-shot `crypto.hash` where Node has it (20.12+; several times cheaper
 * than `createHash` for small data), else `createHash`.
 */
const md5: (data: Buffer) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (data) => (crypto as unknown as { hash(algorithm: string, data: Buffer, encoding: "hex"): string }).hash("md5", data, "hex")
    : (data) => crypto.createHash("md5").update(data).digest("hex");
