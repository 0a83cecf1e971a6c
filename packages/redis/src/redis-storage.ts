import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  abortableChunks,
  abortableReadable,
  checkChunkSize,
  throwIfAborted,
  DEFAULT_CHUNK_SIZE,
  SnapshotConflictError,
  SnapshotIOError,
  SnapshotNotFoundError,
  StorageUnavailableError,
  isStowageError,
  listFlatKeys,
  listFlatLevel,
  normalizePrefix,
  rechunk,
  syncStorages,
  validateKey,
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
import type { ChainableCommander } from "ioredis";
import { STAMP_FIELD, blobKeys, copiedContentId, type BlobKeys, type BlobMeta } from "./blob-keys.js";
import { collectStagedGarbage } from "./staged-garbage.js";
import { catalogueKeyReader, catalogueStats, execTransaction, toStat, type CatalogueCall } from "./catalogue-listing.js";
import { checkScript, commitScript, copyScript, deleteScript, moveScript } from "./blob-scripts.js";
import {
  RedisConnection,
  isRefusedCommand,
  isUnavailableError,
  type RedisClient,
  type RedisConnectionOptions,
} from "./connection.js";
import { KEY_LAYOUT, REDIS_STORAGE_BRAND, redisPeerOf, sameServer, type RedisPeer } from "./storage-brand.js";

/** Options of {@link RedisStorage}: where to connect, plus how files are laid out. */
export interface RedisStorageOptions extends RedisConnectionOptions {
  /** Prefix of every key, and the catalogue's hash tag. No `{` or `}`. Default `"stowage"`. */
  namespace?: string;
  /** Bytes per stored chunk, and per yielded chunk of `read`/`streamRead`. Default 256 KiB. */
  chunkSize?: number;
  /** Chunk writes in flight at once while streaming a file in. Default 4. */
  writeConcurrency?: number;
  /** Chunks fetched per round trip while streaming a file out (one batch is prefetched). Default 4. */
  readBatch?: number;
  /**
   * How long replaced or deleted content stays readable, in ms, so readers that started before the
   * change can finish. Default 60 000.
   */
  readerGraceMs?: number;
  /**
   * How long unfinished staged content survives a crashed writer, in ms. Default one hour. Staged
   * content always carries this expiry (set with its first chunk, refreshed every 64 chunks) until
   * just before the swap; `collectGarbage` removes it sooner.
   */
  stagingTtlMs?: number;
}

/** Names this class in option errors. */
const OWNER = "RedisStorage";
/** Chunks between two refreshes of a staged file's TTL. */
const TTL_REFRESH_CHUNKS = 64;
/** Times a server-side copy re-reads a source that changed under it before giving up. */
const COPY_ATTEMPTS = 3;

/**
 * The advanced blob tier on Redis (standalone or Cluster), through ioredis.
 *
 * Each file version is a hash of fixed-size chunks under its own random hash tag, so content
 * spreads over every cluster master; a small catalogue (sorted-set index, metadata, folder counts,
 * reference counts) under the namespace's hash tag makes writes, moves, deletes and conflict checks
 * single atomic Lua scripts. Writes stage the new content first, then swap it in: readers see the
 * old file or the new one, never a mix. Connection failures become `StorageUnavailableError`
 * within `connectTimeoutMs`; the same instance works again once Redis is back.
 */
export class RedisStorage implements AdvancedSnapshotStorage {
  /** The key prefix and catalogue hash tag of this storage. */
  readonly namespace: string;
  readonly #connection: RedisConnection;
  readonly #keys: BlobKeys;
  readonly #chunkSize: number;
  readonly #writeConcurrency: number;
  readonly #readBatch: number;
  readonly #graceMs: number;
  readonly #stagingTtlMs: number;
  /** Whether the server runs `COPY` for this client; unknown until the first cross-namespace copy. */
  #serverCopy: boolean | undefined;
  readonly #peer: RedisPeer;

  constructor(options: RedisStorageOptions = {}) {
    const namespace = options.namespace ?? "stowage";
    if (namespace === "" || /[{}]/.test(namespace)) {
      throw new InvalidOptionsError("namespace", namespace, "must be non-empty and contain no '{' or '}'", OWNER);
    }
    this.#chunkSize = positiveInteger("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, OWNER);
    this.#writeConcurrency = positiveInteger("writeConcurrency", options.writeConcurrency ?? 4, OWNER);
    this.#readBatch = positiveInteger("readBatch", options.readBatch ?? 4, OWNER);
    this.#graceMs = positiveInteger("readerGraceMs", options.readerGraceMs ?? 60_000, OWNER);
    this.#stagingTtlMs = positiveInteger("stagingTtlMs", options.stagingTtlMs ?? 3_600_000, OWNER);
    this.namespace = namespace;
    this.#keys = blobKeys(namespace);
    this.#connection = new RedisConnection(options, (option, value, reason) => new InvalidOptionsError(option, value, reason, OWNER));
    const connection = this.#connection;
    this.#peer = { layout: KEY_LAYOUT, namespace, client: connection.client, endpoints: () => connection.endpoints() };
    // Not enumerable, and not part of the class's type: only other RedisStorages look for it.
    Object.defineProperty(this, REDIS_STORAGE_BRAND, { value: this.#peer });
  }

  /** The ioredis client in use (shared or owned). */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /** Closes the connection, unless the client was passed in by the caller. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  /** See {@link SnapshotStorage.read}; an abort of `options.signal` destroys the stream and fetches no more chunks. */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { signal } = options;
    validateKey(path);
    throwIfAborted(signal, `the read of '${path}'`);
    const meta = await this.#meta(path);
    const stream = Readable.from(this.#content(path, meta, this.#chunkSize), { objectMode: false });
    return abortableReadable(stream, signal, `the read of '${path}'`);
  }

  async *streamRead(path: string, options: StreamReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const size = checkChunkSize(options.chunkSize ?? this.#chunkSize);
    const { signal } = options;
    validateKey(path);
    throwIfAborted(signal, `the read of '${path}'`);
    const meta = await this.#meta(path);
    const content = this.#content(path, meta, size);
    yield* signal === undefined ? content : abortableChunks(content, signal, `the read of '${path}'`);
  }

  /**
   * Stores `content` at `path` (see the contract), recording `options.mtime` (kept to the
   * millisecond) or else the time of the write as the file's modification time. A `mtime` that is
   * not a valid `Date` rejects with `InvalidOptionsError` (`E_INVALID_OPTIONS`) before any I/O.
   * An abort of `options.signal` before the swap removes the staged content.
   */
  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    const { signal } = options;
    const what = `the write of '${path}'`;
    throwIfAborted(signal, what);
    const mtime = options.mtime;
    if (mtime !== undefined && !(mtime instanceof Date && Number.isFinite(mtime.getTime()))) {
      throw new InvalidOptionsError("mtime", mtime, "must be a valid Date", OWNER);
    }
    // Fail before consuming the content when the write cannot succeed; the swap checks again.
    const reason = await this.#redis(path, () => checkScript.run(this.client, this.#keys.catalogue, [path]));
    if (typeof reason === "string") throw new SnapshotConflictError(path, reason);
    const meta = await this.#stage(path, abortableChunks(content, signal, what));
    if (mtime !== undefined) meta.m = mtime.getTime();
    if (signal?.aborted === true) {
      await this.#discard(meta.g);
      throwIfAborted(signal, what);
    }
    await this.#commit(path, meta);
  }

  async streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    return this.write(path, chunks, options);
  }

  /**
   * One level of `prefix`, through core's flat-key listing over the catalogue's sorted set: pages
   * of up to 1000 keys by `ZRANGEBYLEX`, and one jump past a sub-folder's whole subtree whenever a
   * page ends inside it.
   */
  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const entries: string[] = [];
    for await (const entry of listFlatLevel(folder, catalogueKeyReader(this.#call, this.#keys, folder))) entries.push(entry);
    return entries;
  }

  /** Every file key under `prefix`; `SnapshotIOError` (`E_IO`) when the index is missing or vanishes (see the contract). */
  async recursiveList(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const keys: string[] = [];
    for await (const key of listFlatKeys(folder, catalogueKeyReader(this.#call, this.#keys, folder))) keys.push(key);
    return keys;
  }

  /**
   * Every file under `prefix` with its stat (size, mtime in ms, SHA-256 etag), in
   * {@link compareKeys} order, fetched lazily: per page of up to 1000 files one `ZRANGEBYLEX` of
   * the catalogue's index and one `HMGET` of their metadata, the first page on the first `next()`,
   * each further one when the previous is consumed. A file deleted between the two calls is left
   * out. Nothing is ever skipped: every catalogued key is a valid file, so `options.onSkip` is
   * never called. An index or metadata hash that is missing while files are catalogued, or that
   * vanishes mid-walk, fails the listing with `SnapshotIOError` (`E_IO`), never ends it early.
   */
  async *streamList(prefix: string, options?: StreamListOptions): AsyncGenerator<FileStat, void, undefined> {
    void options;
    yield* catalogueStats(this.#call, this.#keys, normalizePrefix(prefix));
  }

  /** {@link RedisStorage.#redis} for the catalogue listings, which live in their own file. */
  readonly #call: CatalogueCall = (path, call) => this.#redis(path, () => call(this.client));

  async delete(path: string): Promise<void> {
    validateKey(path);
    const freed = await this.#redis(path, () => deleteScript.run(this.client, this.#keys.catalogue, [path]));
    await this.#release(freed as string[]);
  }

  async exists(path: string): Promise<boolean> {
    validateKey(path);
    return (await this.#redis(path, () => this.client.hexists(this.#keys.meta, path))) === 1;
  }

  async stat(path: string): Promise<FileStat> {
    return toStat(path, await this.#meta(path));
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    validateKey(src);
    validateKey(dst);
    if (src === dst) {
      if (!(await this.exists(src))) throw new SnapshotNotFoundError(src);
      return;
    }
    const reply = await this.#redis(src, () => moveScript.run(this.client, this.#keys.catalogue, [src, dst]));
    await this.#settle(dst, reply, src);
  }

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
  }

  /**
   * A native copier when `source` is a RedisStorage (of any copy of this package, recognised by
   * its `Symbol.for("stowage.redis")` brand) on the same server and database or the same cluster:
   * the same client object, or connections to the same socket path, host and port, or cluster
   * node. Else `undefined`, and sync streams the bytes.
   *
   * - Same namespace: the copy shares the source's content by reference (one Lua script, no bytes
   *   moved).
   * - Another namespace: the content hash is duplicated inside Redis with `COPY` (Redis 6.2 or
   *   later) under a key in the same hash slot, then committed to this catalogue; no chunk passes
   *   through the client. When the server refuses `COPY` (older than 6.2, or an ACL), that copy
   *   and the rest of the sync stream through the client, and later syncs get no copier.
   *
   * Copies keep the source's modification time.
   */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    const peer = redisPeerOf(source);
    if (peer === undefined || peer.layout !== KEY_LAYOUT || !sameServer(this.#peer, peer)) return undefined;
    const finish = async () => undefined;
    if (peer.namespace === this.namespace) return { copy: (from, to) => this.#referenceCopy(from, to), finish };
    if (this.#serverCopy === false) return undefined;
    return { copy: (from, to, stat) => this.#serverSideCopy(source, peer.namespace, from, to, stat), finish };
  }

  /** Points `to` at the content of `from` in this catalogue, keeping its mtime: one script, no bytes moved. */
  async #referenceCopy(from: string, to: string): Promise<void> {
    validateKey(to);
    const reply = await this.#redis(to, () => copyScript.run(this.client, this.#keys.catalogue, [from, to]));
    await this.#settle(to, reply, from);
  }

  /**
   * Copies file `from` of the namespace `namespace` on this server onto `to` here: `COPY` of its
   * content hash to a fresh key in the same hash slot, then this catalogue's commit. The metadata
   * (content, size, mtime, etag) is read when the copy starts, so the copy is one consistent
   * version even if the source changes meanwhile; a source whose content vanished in between is
   * read again.
   */
  async #serverSideCopy(source: SnapshotStorage, namespace: string, from: string, to: string, stat: FileStat): Promise<void> {
    validateKey(to);
    const theirs = blobKeys(namespace);
    for (let attempt = 1; ; attempt++) {
      if (this.#serverCopy === false) return this.#streamCopy(source, from, to, stat);
      const json = await this.#redis(from, () => this.client.hget(theirs.meta, from));
      if (json === null) throw new SnapshotNotFoundError(from);
      const meta = JSON.parse(json) as BlobMeta;
      const copy: BlobMeta = { ...meta, g: copiedContentId(meta.g) };
      const key = this.#keys.chunks(copy.g);
      // An empty file has no content hash: only the catalogue entry is copied.
      if (meta.n > 0) {
        // Sent together (one round trip, one connection: applied in order): COPY carries a TTL
        // over, which a source version replaced but still in its grace period has.
        const copied = await this.#redis(to, async () => (await Promise.all([this.client.copy(theirs.chunks(meta.g), key), this.client.persist(key), this.client.hset(key, STAMP_FIELD, Date.now())]))[0]).catch(
          (error: unknown) => {
            if (!isRefusedCommand((error as Error).cause)) throw error;
            this.#serverCopy = false;
            return undefined;
          },
        );
        if (copied === undefined) continue;
        this.#serverCopy = true;
        if (copied === 0) {
          // The source version was replaced and its grace period ran out since its metadata was read.
          if (attempt < COPY_ATTEMPTS) continue;
          throw new SnapshotIOError(`'${from}' kept changing while it was being copied`, from);
        }
      }
      return this.#commit(to, copy);
    }
  }

  /** Copies through the client, for a server that refuses `COPY`. */
  async #streamCopy(source: SnapshotStorage, from: string, to: string, stat: FileStat): Promise<void> {
    const content = await source.read(from);
    try {
      await this.write(to, content, { mtime: stat.mtime });
    } finally {
      content.destroy();
    }
  }

  /**
   * Swaps staged (or copied) content in at `path`. Content the swap did not take is removed; if the
   * call itself fails the outcome is unknown (the swap may have happened), so the content is kept.
   */
  async #commit(path: string, meta: BlobMeta): Promise<void> {
    const reply = await this.#redis(path, () => commitScript.run(this.client, this.#keys.catalogue, [path, JSON.stringify(meta)]));
    if ((reply as string[])[0] !== "ok") await this.#discard(meta.g);
    await this.#settle(path, reply);
  }

  async #meta(path: string): Promise<BlobMeta> {
    validateKey(path);
    const json = await this.#redis(path, () => this.client.hget(this.#keys.meta, path));
    if (json === null) throw new SnapshotNotFoundError(path);
    return JSON.parse(json) as BlobMeta;
  }

  /** Streams a stored version out, `readBatch` chunks per round trip with one batch prefetched. */
  async *#content(path: string, meta: BlobMeta, size: number): AsyncGenerator<Uint8Array, void, undefined> {
    const key = this.#keys.chunks(meta.g);
    const fetchBatch = async (first: number): Promise<Buffer[]> => {
      const fields = Array.from({ length: Math.min(this.#readBatch, meta.n - first) }, (_, i) => String(first + i));
      const chunks = await this.#redis(path, () => this.client.hmgetBuffer(key, ...fields));
      return chunks.map((chunk) => {
        // Only possible when the version was replaced and its grace period ran out mid-read.
        if (chunk === null) throw new SnapshotIOError(`'${path}' was replaced while it was being read`, path);
        return chunk;
      });
    };
    const stored = async function* (this: RedisStorage): AsyncGenerator<Uint8Array, void, undefined> {
      let next: Promise<Buffer[]> | undefined = meta.n > 0 ? fetchBatch(0) : undefined;
      for (let first = 0; next !== undefined; first += this.#readBatch) {
        const batch: Promise<Buffer[]> = next;
        const following = first + this.#readBatch;
        next = following < meta.n ? fetchBatch(following) : undefined;
        // An abandoned prefetch must not surface as an unhandled rejection.
        next?.catch(() => undefined);
        yield* await batch;
      }
    };
    yield* size === meta.c ? stored.call(this) : rechunk(stored.call(this), size);
  }

  /** Writes the content under a fresh content id (with a TTL until committed) and returns its metadata. */
  async #stage(path: string, source: AsyncIterable<Uint8Array>): Promise<BlobMeta> {
    const id = randomUUID();
    const key = this.#keys.chunks(id);
    const hash = createHash("sha256");
    const inFlight = new Set<Promise<void>>();
    let size = 0;
    let count = 0;
    let failure: unknown;
    try {
      for await (const chunk of rechunk(source, this.#chunkSize)) {
        if (failure !== undefined) break;
        hash.update(chunk);
        size += chunk.byteLength;
        const field = String(count++);
        // A copy: the chunk may be a view of the caller's buffer, which it may reuse once we ask
        // for the next chunk while this one is still on its way to Redis.
        const buffer = Buffer.from(chunk);
        // The staging TTL is set with the first chunk and refreshed now and then, not per chunk.
        const refreshTtl = count % TTL_REFRESH_CHUNKS === 1;
        const sent: Promise<void> = this.#redis(path, async () => {
          if (refreshTtl) await this.#stamp(key, (tx) => tx.hset(key, field, buffer).pexpire(key, this.#stagingTtlMs));
          else await this.client.hset(key, field, buffer);
        }).then(
          () => void inFlight.delete(sent),
          (error: unknown) => {
            inFlight.delete(sent);
            failure ??= error;
          },
        );
        inFlight.add(sent);
        if (inFlight.size >= this.#writeConcurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      // Made permanent before the swap: a crash in between leaves an orphan (gc finds it), never a
      // dangling file. Every chunk must still be there: an expiry or a gc may have removed them.
      if (count > 0) {
        const [length] = await this.#redis(path, () => this.#stamp(key, (tx) => tx.hlen(key).persist(key)));
        if (length !== count + 1) throw new SnapshotIOError(`the staged content of '${path}' expired or was collected before it was complete`, path);
      }
    } catch (error) {
      await Promise.all(inFlight);
      await this.#discard(id);
      throw error;
    }
    return { g: id, s: size, m: Date.now(), e: hash.digest("hex"), n: count, c: this.#chunkSize };
  }

  /** Interprets a commit/move/copy reply: throws its error, or expires the content it freed. */
  async #settle(path: string, reply: unknown, source?: string): Promise<void> {
    const [status, ...rest] = reply as string[];
    if (status === "missing") throw new SnapshotNotFoundError(source ?? path);
    if (status === "conflict") throw new SnapshotConflictError(path, rest[0] ?? "file/folder conflict");
    await this.#release(rest);
  }

  /** Lets freed content linger for readers still streaming it, then Redis drops it. */
  async #release(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.#redis("", () => this.client.pexpire(this.#keys.chunks(id), this.#graceMs))));
  }

  /** Best-effort removal of staged content that will never be committed (its TTL is the fallback). */
  async #discard(id: string): Promise<void> {
    await this.client.unlink(this.#keys.chunks(id)).catch(() => undefined);
  }

  /**
   * Runs `commands` on the content hash `key` in one MULTI/EXEC transaction after stamping it
   * ({@link STAMP_FIELD}: this writer is alive now); resolves with the replies of `commands`.
   */
  async #stamp(key: string, commands: (tx: ChainableCommander) => ChainableCommander): Promise<unknown[]> {
    return (await execTransaction(commands(this.client.multi().hset(key, STAMP_FIELD, Date.now())))).slice(1);
  }

  /**
   * Garbage collection (see `GarbageCollectingStorage` in core): content hashes of this namespace
   * that no file points at and whose writer has not stamped them for `olderThanMs`: staged
   * content of a writer that died (it would expire after `stagingTtlMs` anyway), and orphans a
   * crash left between making content permanent and swapping it in (these have no expiry). Freed
   * content still in its reader grace period is left to expire. Scans with `SCAN` (every master
   * of a cluster), never `KEYS`. Rejects with `InvalidOptionsError` for a bad `olderThanMs` before
   * any I/O.
   */
  async collectGarbage(options: CollectGarbageOptions): Promise<GarbageReport> {
    const { olderThanMs, dryRun } = checkGarbageOptions(options, OWNER);
    return collectStagedGarbage({
      client: this.client,
      namespace: this.namespace,
      keys: this.#keys,
      redis: (call) => this.#redis("", call),
      graceMs: this.#graceMs,
      olderThanMs,
      dryRun,
    });
  }

  /** Runs one Redis call on a ready connection, turning its failures into stowage errors. */
  async #redis<T>(path: string, call: () => Promise<T>): Promise<T> {
    try {
      await this.#connection.ready();
      return await call();
    } catch (error) {
      throw toStorageError(error, path, this.#connection);
    }
  }
}

/** A stowage error for a failed call; the cause is redacted (ioredis errors carry command arguments). */
function toStorageError(error: unknown, path: string, connection: RedisConnection): Error {
  if (isStowageError(error)) return error;
  const cause = connection.redact(error);
  const detail = connection.redact(error instanceof Error ? error.message : String(error));
  if (connection.isCommandTimeout(error)) {
    return new StorageUnavailableError(`Redis did not answer within ${connection.commandTimeoutMs} ms (commandTimeoutMs)`, { cause });
  }
  if (isUnavailableError(error)) return new StorageUnavailableError(`Redis is unavailable: ${detail}`, { cause });
  return new SnapshotIOError(`Redis failed: ${detail}`, path === "" ? undefined : path, { cause });
}
