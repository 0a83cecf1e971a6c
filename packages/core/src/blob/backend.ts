import { Readable } from "node:stream";
import { InvalidOptionsError, isStowageError, SnapshotNotFoundError, throwIfAborted } from "../errors.js";
import { positiveInteger } from "../options.js";
import { abortableChunks, abortableReadable } from "./abort.js";
import { checkedContentType } from "./content-type.js";
import { writeTimes } from "./mtime-ns.js";
import { assertWriteContent, holdingSourceErrors, type ChunkSource, type WriteContent } from "./content.js";
import { backendName } from "./guards.js";
import { listingIterator } from "./listing-iterator.js";
import { StatListener } from "./stat-listener.js";
import { normalizePrefix, validateKey } from "./path.js";
import { checkChunkSize, rechunk } from "./rechunk.js";
import {
  DEFAULT_CHUNK_SIZE,
  type AbortOptions,
  type AdvancedSnapshotStorage,
  type FileStat,
  type ReadOptions,
  type StreamListOptions,
  type StreamReadOptions,
  type SyncOptions,
  type SyncReport,
  type WriteOptions,
} from "./storage.js";
import { syncStorages } from "./sync/sync-storages.js";

/** Options every {@link BlobBackend} takes. */
export interface BlobBackendOptions {
  /** Bytes per chunk of `read` and `streamRead` when the caller names none. Default 256 KiB. */
  chunkSize?: number;
}

/** The operation a primitive was doing when it failed, as {@link BlobBackend.classify} is told. */
export type BlobOperation = "read" | "write" | "list" | "delete" | "stat" | "move";

/**
 * What a primitive write receives: the content's bytes when the caller handed bytes or a string
 * (`bytes`, so that a backend can store them in one step), otherwise its chunks, already checked
 * and cut short by the caller's signal (`chunks`).
 */
export type BackendContent = { bytes: Uint8Array; chunks?: undefined } | { bytes?: undefined; chunks: AsyncIterable<Uint8Array> };

/** Options of a primitive write: the validated times and type, and the caller's signal. */
export interface BackendWriteOptions {
  /** The time to record; `mtimeNs` is set whenever `mtime` is (from whole ms when only `mtime` was given). */
  mtime: Date | undefined;
  mtimeNs: bigint | undefined;
  /** The caller's MIME type, checked; a backend that keeps types derives one with `contentTypeFor` when absent. */
  contentType: string | undefined;
  /** The caller's MD5 of the content (32 lowercase hex digits, checked), see `WriteOptions.md5`. */
  md5: string | undefined;
  signal: AbortSignal | undefined;
  /** `false` when the caller ruled out file/folder conflicts from a listing (see `WriteOptions.checkConflicts`). */
  checkConflicts: boolean;
}

/**
 * The blob twin of `BaseStore`: the advanced tier ({@link AdvancedSnapshotStorage}) written once,
 * on top of a few primitives that each backend implements. Learnt from OpenDAL's accessor and
 * rclone's optional features: the public methods here hold every rule that must not differ
 * between backends, and a backend supplies only what touches its storage.
 *
 * A backend implements six primitives (`readFile`, `writeFile`, `statFile`, `deleteFile`,
 * `moveFile`, `listFiles`) and may offer capabilities: `readChunks` (chunks filled in place),
 * `listLevel` (a cheaper one-level listing), `classify` (its errors as stowage errors), and any
 * optional protocol method (`syncCopier`, `collectGarbage`) as it is. A backend whose storage
 * answers at once may add synchronous fast paths (`readFileSync`, `writeBytesSync`,
 * `statFileSync`, `hasFileSync`), which the base calls behind the same checks, awaiting nothing.
 *
 * Written once here, before any primitive runs:
 * - keys are checked with {@link validateKey} (`InvalidPathError`, `E_INVALID_PATH`) and prefixes
 *   normalized with {@link normalizePrefix};
 * - write content is checked ({@link assertWriteContent}: `TypeError`), `mtime` must be a valid
 *   `Date` (`InvalidOptionsError`, `E_INVALID_OPTIONS`), an already-aborted signal rejects with
 *   `AbortError` (`E_ABORTED`) before any I/O, and streamed content is cut by the signal;
 * - a `Readable` given to `write` has its `'error'` held while the backend prepares (so a source
 *   that fails early rejects the write instead of crashing the process) and is destroyed when the
 *   write fails;
 * - reads are wrapped so that an abort destroys the stream; `streamRead` re-slices to `chunkSize`;
 * - every error a primitive throws goes through {@link BlobBackend.classify}, once.
 *
 * Derived here: `streamWrite` (= `write`), `recursiveList` (from `streamList`), `exists` and
 * `stat` (from {@link BlobBackend.statFile}), `sync` (core's {@link syncStorages}), and `list`
 * from the deep listing where a backend has no cheaper {@link BlobBackend.listLevel}.
 *
 * A backend written by hand against the protocol interfaces keeps working: the base is a
 * convenience, not a requirement.
 */
export abstract class BlobBackend implements AdvancedSnapshotStorage {
  /** Bytes per chunk of `read` and `streamRead` when the caller names none. */
  protected readonly defaultChunkSize: number;

  /**
   * @param options.chunkSize - bytes per chunk of `read` and `streamRead` when the caller names
   *   none; default 256 KiB. Not a positive integer: `InvalidOptionsError` (`E_INVALID_OPTIONS`).
   */
  constructor(options: BlobBackendOptions = {}) {
    this.defaultChunkSize = positiveInteger("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, new.target.name);
  }

  // ---- primitives: keys already valid, content checked, signal checked before the call ----

  /**
   * The file's bytes, as a stream or chunks; rejects with `SnapshotNotFoundError` when missing.
   * A backend that learns the stat with the content calls `onStat` with it before it resolves
   * (see {@link ReadOptions.onStat}); others ignore it.
   */
  protected abstract readFile(
    key: string,
    signal: AbortSignal | undefined,
    onStat?: ((stat: FileStat) => void) | undefined,
  ): Promise<Readable | AsyncIterable<Uint8Array>>;

  /** Replaces the file at `key` atomically (see {@link SnapshotStorage.write}). */
  protected abstract writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void>;

  /** The file's stat, or `undefined` when no file is stored at `key` (a folder is no file). */
  protected abstract statFile(key: string): Promise<FileStat | undefined>;

  /** Deletes the file at `key`; a missing file is no error. */
  protected abstract deleteFile(key: string): Promise<void>;

  /** Moves `src` (known to be a file) onto `dst` in one step (see {@link AdvancedSnapshotStorage.atomicMove}). */
  protected abstract moveFile(src: string, dst: string): Promise<void>;

  /** Every file below `folder` (normalized), sorted by `compareKeys`, lazily (see {@link AdvancedSnapshotStorage.streamList}). */
  protected abstract listFiles(folder: string, options: StreamListOptions): AsyncIterable<FileStat>;

  /**
   * Optional: the same listing as `listFiles`, in batches (arrays the caller may keep, never
   * empty), where the backend reads it in batches anyway; a sync then pays its per-entry promise
   * hops once per batch.
   */
  protected listFileBatches?(folder: string, options: StreamListOptions): AsyncIterable<readonly FileStat[]>;

  /**
   * Optional: the file's bytes in chunks of exactly `size` bytes (the last may be shorter), where
   * the backend can fill chunks straight from its storage; otherwise `streamRead` re-slices `read`.
   */
  protected readChunks?(key: string, size: number, signal: AbortSignal | undefined): Promise<AsyncIterable<Uint8Array>>;

  /**
   * Optional: one level of `folder` (normalized), as {@link SnapshotStorage.list} returns it, where
   * the backend answers that more cheaply than by walking the whole subtree.
   */
  protected listLevel?(folder: string): Promise<string[]>;

  /**
   * Optional: the MD5 (hex) of `key`'s content where the backend has it without a download (kept
   * metadata, a local read); `undefined` when it has none for this file; `null` when the file is
   * missing (the base throws `SnapshotNotFoundError`). Without it, `md5()` answers `undefined` and
   * `compare: "checksum"` downloads.
   */
  protected md5File?(key: string, signal: AbortSignal | undefined): Promise<string | undefined | null>;

  // ---- synchronous fast paths: for a backend whose storage answers at once (process memory) ----
  // Where present, the base calls one instead of its async primitive, after exactly the same
  // checks and with no await in between, so the rules stay written once here and an in-memory
  // backend pays no promise per layer. What one throws goes through `classify` like any primitive's.

  /**
   * Optional: stores `bytes` (the caller's bytes or string, already checked) at `key` at once; the
   * base calls it for bytes and strings instead of {@link BlobBackend.writeFile}, which still
   * receives streamed content. Must copy `bytes` if it keeps them: the caller may change them later.
   */
  protected writeBytesSync?(key: string, bytes: Uint8Array, options: BackendWriteOptions): void;

  /**
   * Optional: {@link BlobBackend.readFile}, answered at once (a missing file throws
   * `SnapshotNotFoundError`); the base's `read` then awaits nothing before it returns the stream.
   */
  protected readFileSync?(key: string, onStat?: ((stat: FileStat) => void) | undefined): Readable | AsyncIterable<Uint8Array>;

  /** Optional: {@link BlobBackend.statFile}, answered at once; the base's `stat` then awaits nothing. */
  protected statFileSync?(key: string): FileStat | undefined;

  /**
   * Optional: whether a file is stored at `key`, answered at once, for `exists` and the source
   * check of `atomicMove`, where a stat would cost more than the answer needs (a hash not yet made).
   */
  protected hasFileSync?(key: string): boolean;

  /**
   * Maps what a primitive threw to the stowage error callers switch on (by `code`). Stowage
   * errors never reach it: they pass through as they are. Default: the error unchanged.
   */
  protected classify(error: unknown, _operation: BlobOperation, _key: string): unknown {
    return error;
  }

  // ---- the public methods, written once ----

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    validateKey(path);
    const { signal } = options;
    throwIfAborted(signal, `the read of '${path}'`);
    const listener = new StatListener(options.onStat);
    const { onStat } = listener;
    const readSync = this.readFileSync;
    const opened =
      readSync === undefined
        ? await this.#run("read", path, () => this.readFile(path, signal, onStat))
        : this.#runSync("read", path, (key) => readSync.call(this, key, onStat));
    await listener.settle(opened);
    // Chunks a backend hands back are re-sliced, so that no read delivers a whole file at once.
    const stream = opened instanceof Readable ? opened : Readable.from(rechunk(opened, this.defaultChunkSize), { objectMode: false });
    return signal === undefined ? stream : abortableReadable(stream, signal, `the read of '${path}'`);
  }

  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    assertWriteContent(content);
    const { signal } = options;
    const { mtime, mtimeNs } = writeTimes(options.mtime, options.mtimeNs, backendName(this));
    const contentType = checkedContentType(options.contentType, backendName(this));
    const md5 = options.md5;
    if (md5 !== undefined && !(typeof md5 === "string" && /^[0-9a-f]{32}$/.test(md5))) {
      throw new InvalidOptionsError("md5", md5, "must be 32 lowercase hex digits", backendName(this));
    }
    const what = `the write of '${path}'`;
    throwIfAborted(signal, what);
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content instanceof Uint8Array ? content : undefined;
    const checkConflicts = options.checkConflicts !== false;
    if (bytes !== undefined && this.writeBytesSync !== undefined) {
      try {
        this.writeBytesSync(path, bytes, { mtime, mtimeNs, contentType, md5, signal, checkConflicts });
      } catch (error) {
        throw this.#classified(error, "write", path);
      }
      return;
    }
    const given: BackendContent = bytes !== undefined ? { bytes } : { chunks: sourceChunks(abortableChunks(content, signal, what)) };
    await holdingSourceErrors(content, () => this.#run("write", path, () => this.writeFile(path, given, { mtime, mtimeNs, contentType, md5, signal, checkConflicts })));
  }

  streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    return this.write(path, chunks, options);
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const size = checkChunkSize(options.chunkSize ?? this.defaultChunkSize);
    let chunks: AsyncIterable<Uint8Array>;
    if (this.readChunks === undefined) {
      chunks = rechunk(await this.read(path, options), size);
    } else {
      validateKey(path);
      throwIfAborted(options.signal, `the read of '${path}'`);
      const readChunks = this.readChunks.bind(this);
      chunks = this.#classifiedChunks(await this.#run("read", path, () => readChunks(path, size, options.signal)), path);
    }
    yield* options.signal === undefined ? chunks : abortableChunks(chunks, options.signal, `the read of '${path}'`);
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    if (this.listLevel !== undefined) {
      const level = this.listLevel.bind(this);
      return this.#run("list", folder, () => level(folder));
    }
    const entries: string[] = [];
    const base = folder === "" ? "" : `${folder}/`;
    for await (const file of this.streamList(folder)) {
      const slash = file.path.indexOf("/", base.length);
      const entry = slash === -1 ? file.path : file.path.slice(0, slash + 1);
      if (entries[entries.length - 1] !== entry) entries.push(entry);
    }
    return entries;
  }

  /**
   * The backend's `listFiles`, started at the first `next()` (nothing is read at the call), with
   * its failures classified (see `listing-iterator.ts`); where the backend has `listFileBatches`,
   * a sync takes the listing in batches through the same iterator.
   */
  streamList(prefix: string, options: StreamListOptions = {}): AsyncIterableIterator<FileStat> {
    let folder = prefix;
    const open = <T>(list: (folder: string, options: StreamListOptions) => AsyncIterable<T>) => (): AsyncIterable<T> => {
      folder = normalizePrefix(prefix);
      return list.call(this, folder, options);
    };
    const batches = this.listFileBatches;
    return listingIterator({
      files: open(this.listFiles),
      batches: batches === undefined ? undefined : open(batches),
      classify: (error) => this.#classified(error, "list", folder),
    });
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const file of this.streamList(prefix)) keys.push(file.path);
    return keys;
  }

  async delete(path: string): Promise<void> {
    validateKey(path);
    await this.#run("delete", path, () => this.deleteFile(path));
  }

  async exists(path: string): Promise<boolean> {
    validateKey(path);
    if (this.hasFileSync !== undefined) return this.#runSync("stat", path, this.hasFileSync);
    if (this.statFileSync !== undefined) return this.#runSync("stat", path, this.statFileSync) !== undefined;
    return (await this.#run("stat", path, () => this.statFile(path))) !== undefined;
  }

  async stat(path: string): Promise<FileStat> {
    validateKey(path);
    const found =
      this.statFileSync === undefined
        ? await this.#run("stat", path, () => this.statFile(path))
        : this.#runSync("stat", path, this.statFileSync);
    if (found === undefined) throw new SnapshotNotFoundError(path);
    return found;
  }

  async md5(path: string, options: AbortOptions = {}): Promise<string | undefined> {
    validateKey(path);
    const { signal } = options;
    throwIfAborted(signal, `the hash of '${path}'`);
    if (this.md5File === undefined) {
      // No MD5 without a download; still, a missing file is said so, as every backend says it.
      if (!(await this.exists(path))) throw new SnapshotNotFoundError(path);
      return undefined;
    }
    const md5File = this.md5File.bind(this);
    const found = await this.#run("read", path, () => md5File(path, signal));
    if (found === null) throw new SnapshotNotFoundError(path);
    return found;
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    if (!(await this.exists(src))) throw new SnapshotNotFoundError(src);
    if (src === dst) return;
    await this.#run("move", dst, () => this.moveFile(src, dst));
  }

  sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
  }

  async *#classifiedChunks(chunks: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      yield* chunks;
    } catch (error) {
      throw this.#classified(error, "read", path);
    }
  }

  async #run<T>(operation: BlobOperation, key: string, primitive: () => Promise<T>): Promise<T> {
    try {
      return await primitive();
    } catch (error) {
      throw this.#classified(error, operation, key);
    }
  }

  /** Calls a synchronous fast path on `key`, its errors classified as a primitive's. */
  #runSync<T>(operation: BlobOperation, key: string, primitive: (this: this, key: string) => T): T {
    try {
      return primitive.call(this, key);
    } catch (error) {
      throw this.#classified(error, operation, key);
    }
  }

  #classified(error: unknown, operation: BlobOperation, key: string): unknown {
    if (isStowageError(error) || (typeof error === "object" && error !== null && SOURCE_ERRORS.has(error))) return error;
    return this.classify(error, operation, key);
  }
}

/**
 * Errors thrown by a caller's write content: the write rejects with the source's own error
 * (the contract), so they bypass `classify`, which is for the backend's failures.
 */
const SOURCE_ERRORS = new WeakSet<object>();

async function* sourceChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    yield* chunks;
  } catch (error) {
    if (typeof error === "object" && error !== null) SOURCE_ERRORS.add(error);
    throw error;
  }
}
