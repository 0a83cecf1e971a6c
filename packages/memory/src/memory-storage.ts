import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  checkChunkSize,
  DEFAULT_CHUNK_SIZE,
  SnapshotConflictError,
  SnapshotNotFoundError,
  compareKeys,
  isUnderPrefix,
  normalizePrefix,
  parentFolders,
  syncStorages,
  toChunks,
  validateKey,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type StreamReadOptions,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
  positiveInteger,
} from "@stowage/core";

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** Bytes per chunk of `read` and `streamRead`. Default 256 KiB. */
  chunkSize?: number;
}

interface StoredFile {
  data: Buffer;
  mtime: Date;
  etag: string;
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

  constructor(options: MemoryStorageOptions = {}) {
    this.#chunkSize = positiveInteger("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, "MemoryStorage");
  }

  async read(path: string): Promise<Readable> {
    // Looked up now, so a missing file rejects here rather than as a stream error later.
    const { data } = this.#get(path);
    return Readable.from(copiedChunks(data, this.#chunkSize), { objectMode: false });
  }

  async write(path: string, content: WriteContent): Promise<void> {
    validateKey(path);
    this.#assertWritable(path);
    const parts: Buffer[] = [];
    for await (const chunk of toChunks(content)) parts.push(Buffer.from(chunk));
    this.#commit(path, Buffer.concat(parts));
  }

  async streamWrite(path: string, chunks: ChunkSource): Promise<void> {
    return this.write(path, chunks);
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const { data } = this.#get(path);
    yield* copiedChunks(data, options.chunkSize ?? this.#chunkSize);
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const start = folder === "" ? 0 : folder.length + 1;
    const entries = new Set<string>();
    for (const key of this.#files.keys()) {
      if (!isUnderPrefix(key, folder)) continue;
      const slash = key.indexOf("/", start);
      entries.add(slash === -1 ? key : key.slice(0, slash + 1));
    }
    return [...entries].sort(compareKeys);
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    return [...this.#files.keys()].filter((key) => isUnderPrefix(key, folder)).sort(compareKeys);
  }

  async delete(path: string): Promise<void> {
    validateKey(path);
    if (!this.#files.delete(path)) return;
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
    const file = this.#get(path);
    return { path, size: file.data.byteLength, mtime: new Date(file.mtime), etag: file.etag };
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    const file = this.#get(src);
    if (src === dst) return;
    this.#assertWritable(dst);
    await this.delete(src);
    this.#store(dst, file);
  }

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options, {
      copy: async (from, to) => {
        const file = this.#get(from);
        this.#assertWritable(to);
        this.#store(to, { ...file, mtime: new Date() });
      },
    });
  }

  #get(path: string): StoredFile {
    const file = this.#files.get(validateKey(path));
    if (file === undefined) throw new SnapshotNotFoundError(path);
    return file;
  }

  #assertWritable(path: string): void {
    if (this.#folders.has(path)) throw new SnapshotConflictError(path, "a folder exists at this path");
    for (const parent of parentFolders(path)) {
      if (this.#files.has(parent)) throw new SnapshotConflictError(path, `'${parent}' is a file`);
    }
  }

  #commit(path: string, data: Buffer): void {
    // Re-checked: the world may have changed while the content was streaming in.
    this.#assertWritable(path);
    this.#store(path, { data, mtime: new Date(), etag: createHash("md5").update(data).digest("hex") });
  }

  #store(path: string, file: StoredFile): void {
    if (!this.#files.has(path)) {
      for (const parent of parentFolders(path)) this.#folders.set(parent, (this.#folders.get(parent) ?? 0) + 1);
    }
    this.#files.set(path, file);
  }
}

/** Copies of `data` in `size`-byte slices, so callers can never alter stored bytes. */
function* copiedChunks(data: Buffer, size: number): Generator<Buffer, void, undefined> {
  checkChunkSize(size);
  for (let offset = 0; offset < data.byteLength; offset += size) yield Buffer.from(data.subarray(offset, offset + size));
}
