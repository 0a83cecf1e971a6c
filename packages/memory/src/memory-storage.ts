import crypto from "node:crypto";
import { StoredBytesReadable } from "./stored-bytes-readable.js";
import {
  BlobBackend,
  contentTypeFor,
  dateFromNs,
  FileIndex,
  SnapshotNotFoundError,
  listFlatKeys,
  listFlatLevel,
  placeBelow,
  validateKey,
  type BackendContent,
  type BackendWriteOptions,
  type BlobBackendOptions,
  type FileStat,
  type SnapshotStorage,
  type StoragePlace,
  type SyncCopier,
} from "@stowage/core";

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions extends BlobBackendOptions {
  /** Bytes per chunk of `read` and `streamRead`. Default 256 KiB. */
  chunkSize?: number;
}

/** Recognises a MemoryStorage from any copy of this package, for native copies between two of them. */
const BRAND = Symbol.for("stowage.memory-storage");

/** Numbers each instance for {@link MemoryStorage.place}: an instance is its own place. */
let instances = 0;

interface StoredFile {
  data: Buffer;
  /** Modification time, ms since the epoch: the floor of `mtimeNs`. */
  mtime: number;
  /** Modification time, ns since the epoch, when it was given finer than `mtime` (memory holds any precision). */
  mtimeNs?: bigint;
  /** The MIME type given to the write; without one, `stat` and listings report the one the name implies. */
  contentType?: string;
  /** MD5 of `data`, hex: computed at the first `stat` or listing, not per write (issue 14). */
  etag?: string;
}

/**
 * The advanced blob tier held in process memory: the reference implementation of the contract,
 * for tests and demos. Content is copied in and out, so callers can never alter stored bytes.
 *
 * Built on core's `BlobBackend` (keys, content, mtime and signal checks, error mapping are the
 * base's); reads, writes of bytes and strings, `stat` and `exists` go through the base's
 * synchronous fast paths, so no promise is awaited between the base's checks and the `Map`.
 */
export class MemoryStorage extends BlobBackend {
  /** Files by key, the folder counts and the sorted keys: core's `FileIndex`. */
  readonly #files = new FileIndex<StoredFile>();
  readonly #space = `memory:${process.pid}:${++instances}`;

  /** @param options.chunkSize - see {@link MemoryStorageOptions}; not a positive integer: `InvalidOptionsError`. */
  constructor(options: MemoryStorageOptions = {}) {
    super(options);
  }

  /**
   * Where folder `prefix` is (core's `PlacedStorage`, for sync's overlap checks): in this
   * instance's own space, as each instance holds its own files. No I/O.
   */
  place(prefix: string): Promise<StoragePlace> {
    return Promise.resolve(placeBelow(this.#space, [], prefix));
  }

  /** Between two MemoryStorages, copies share the stored (never mutated) bytes: nothing is copied. */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    const from = (source as { [BRAND]?: (key: string) => StoredFile })[BRAND];
    if (typeof from !== "function") return undefined;
    return {
      copy: async (sourceKey, targetKey, stat) => {
        validateKey(targetKey);
        const file = from.call(source, sourceKey);
        this.#store(targetKey, this.#assertWritable(targetKey), { ...file, ...timesOf(stat.mtime, stat.mtimeNs) });
      },
      finish: async () => undefined,
    };
  }

  /** @internal The stored file at `key`, for another MemoryStorage's copier (see {@link syncCopier}); never hand it out. */
  [BRAND](key: string): StoredFile {
    return this.#get(validateKey(key));
  }

  // ---- BlobBackend's primitives (keys valid, content checked) ----

  /** The bytes held, and their stat for `onStat`: both at hand. */
  protected override readFileSync(key: string, onStat?: (stat: FileStat) => void): StoredBytesReadable {
    const file = this.#get(key);
    onStat?.(statOf(key, file));
    return new StoredBytesReadable(file.data, this.defaultChunkSize);
  }

  protected async readFile(key: string, _signal: AbortSignal | undefined, onStat?: (stat: FileStat) => void): Promise<StoredBytesReadable> {
    return this.readFileSync(key, onStat);
  }

  protected override async readChunks(key: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    return copiedChunks(this.#get(key).data, size);
  }

  /** Bytes and strings at hand: copied and stored at once (nothing can change in between, one check is enough). */
  protected override writeBytesSync(key: string, bytes: Uint8Array, options: BackendWriteOptions): void {
    this.#store(key, this.#assertWritable(key), { data: Buffer.from(bytes), ...written(options) });
  }

  /** Streamed content: collected, then committed after a second check (the world may have changed meanwhile). */
  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    this.#assertWritable(key);
    const parts: Buffer[] = [];
    for await (const chunk of content.chunks ?? [content.bytes]) parts.push(Buffer.from(chunk));
    this.#store(key, this.#assertWritable(key), { data: Buffer.concat(parts), ...written(options) });
  }

  protected override statFileSync(key: string): FileStat | undefined {
    const file = this.#files.get(key);
    return file && statOf(key, file);
  }

  protected async statFile(key: string): Promise<FileStat | undefined> {
    const file = this.#files.get(key);
    return file && statOf(key, file);
  }

  /** The MD5 of the bytes held (no download: they are in this process); `null` when missing. */
  protected override async md5File(key: string): Promise<string | null> {
    const file = this.#files.get(key);
    return file === undefined ? null : crypto.createHash("md5").update(file.data).digest("hex");
  }

  protected override hasFileSync(key: string): boolean {
    return this.#files.has(key);
  }

  protected async deleteFile(key: string): Promise<void> {
    this.#files.delete(key);
  }

  protected async moveFile(src: string, dst: string): Promise<void> {
    const file = this.#get(src);
    const parents = this.#assertWritable(dst);
    await this.deleteFile(src);
    this.#store(dst, parents, file);
  }

  /** One level, from the sorted key index (core's flat-key listing): sub-folders are skipped by binary search. */
  protected override async listLevel(folder: string): Promise<string[]> {
    const entries: string[] = [];
    for await (const entry of listFlatLevel(folder, this.#readKeys)) entries.push(entry);
    return entries;
  }

  /**
   * Walks the sorted key index from the first key of the folder (a binary search), so a listing
   * starts at once whatever the store holds; files changed while it runs show their state when reached.
   */
  protected async *listFiles(folder: string): AsyncGenerator<FileStat, void, undefined> {
    for await (const key of listFlatKeys(folder, this.#readKeys)) {
      const file = this.#files.get(key);
      if (file !== undefined) yield statOf(key, file);
    }
  }

  #get(key: string): StoredFile {
    const file = this.#files.get(key);
    if (file === undefined) throw new SnapshotNotFoundError(key);
    return file;
  }

  /** Rejects a file/folder conflict at `key` (core's rule); returns its parent folders, for {@link #store}. */
  #assertWritable(key: string): readonly string[] {
    return this.#files.assertWritable(key);
  }

  /** A page of the sorted key index from `from` on (a `SortedKeyReader` for core's listings). */
  readonly #readKeys = this.#files.readKeys;

  /** Stores `file` at `key`, whose parent folders (`parents`) {@link #assertWritable} just checked. */
  #store(key: string, parents: readonly string[], file: StoredFile): void {
    this.#files.set(key, file, parents);
  }
}

/** Copies of `data` in `size`-byte slices, so callers can never alter stored bytes. */
async function* copiedChunks(data: Buffer, size: number): AsyncGenerator<Buffer, void, undefined> {
  for (let offset = 0; offset < data.byteLength; offset += size) yield Buffer.from(data.subarray(offset, offset + size));
}

/** Times and type of a write: as given (`mtimeNs` is set whenever `mtime` is), else now; the type as given. */
function written(options: BackendWriteOptions): Pick<StoredFile, "mtime" | "mtimeNs" | "contentType"> {
  const times = options.mtime === undefined ? { mtime: Date.now() } : timesOf(options.mtime, options.mtimeNs);
  return options.contentType === undefined ? times : { ...times, contentType: options.contentType };
}

/** `mtime` in ms, and `mtimeNs` only when it says more (a BigInt per file costs a write's time). */
function timesOf(mtime: Date, mtimeNs: bigint | undefined): Pick<StoredFile, "mtime" | "mtimeNs"> {
  if (mtimeNs === undefined || mtimeNs % 1_000_000n === 0n) return { mtime: mtime.getTime() };
  return { mtime: dateFromNs(mtimeNs).getTime(), mtimeNs };
}

/** Memory keeps times to the nanosecond: 1 ns, in ms. */
const NS_PRECISION = 0.000001;

function statOf(path: string, file: StoredFile): FileStat {
  file.etag ??= md5(file.data);
  const stat: FileStat = { path, size: file.data.byteLength, mtime: new Date(file.mtime), mtimePrecision: NS_PRECISION, etag: file.etag };
  if (file.mtimeNs !== undefined) stat.mtimeNs = file.mtimeNs;
  const type = file.contentType ?? typeOfName(path);
  if (type !== undefined) stat.contentType = type;
  return stat;
}

/** Types by extension, so that a listing looks each one up once (`contentTypeFor` is the rule). */
const typesByExtension = new Map<string, string | undefined>();

/** The type a key's name implies (`contentTypeFor`), memoized by the name's extension. */
function typeOfName(key: string): string | undefined {
  const dot = key.lastIndexOf(".");
  if (dot <= key.lastIndexOf("/") + 1) return undefined;
  const extension = key.slice(dot);
  if (typesByExtension.has(extension)) return typesByExtension.get(extension);
  const type = contentTypeFor(key);
  if (typesByExtension.size >= 1024) typesByExtension.clear();
  typesByExtension.set(extension, type);
  return type;
}

/**
 * MD5 of `data`, hex: the one-shot `crypto.hash` where Node has it (20.12+; several times cheaper
 * than `createHash` for small data), else `createHash`.
 */
const md5: (data: Buffer) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (data) => (crypto as unknown as { hash(algorithm: string, data: Buffer, encoding: "hex"): string }).hash("md5", data, "hex")
    : (data) => crypto.createHash("md5").update(data).digest("hex");
