import { Readable } from "node:stream";
import {
  BlobBackend,
  InvalidOptionsError,
  SnapshotConflictError,
  SnapshotNotFoundError,
  checkGarbageOptions,
  listFlatLevel,
  placeBelow,
  positiveInteger,
  throwIfAborted,
  type BackendContent,
  type BackendWriteOptions,
  type BlobBackendOptions,
  type BlobOperation,
  type CollectGarbageOptions,
  type FileStat,
  type GarbageReport,
  type SnapshotStorage,
  type StoragePlace,
  type StreamListOptions,
  type SyncCopier,
} from "@stowage/core";
import { blobKeys, type BlobMeta } from "./blob-keys.js";
import { checkScript, deleteScript, moveScript } from "./blob-scripts.js";
import { Catalogue } from "./catalogue.js";
import { catalogueKeyReader, catalogueStats, toStat, type CatalogueCall } from "./catalogue-listing.js";
import { RedisConnection, type RedisClient, type RedisConnectionOptions } from "./connection.js";
import { ServerCopies } from "./server-copy.js";
import { serverSpace } from "./server-place.js";
import { keptTimeAndType } from "./kept-meta.js";
import { collectStagedGarbage } from "./staged-garbage.js";
import { stageContent } from "./staging.js";
import { REDIS_STORAGE_BRAND, KEY_LAYOUT, type RedisPeer } from "./storage-brand.js";
import { toStorageError } from "./storage-errors.js";
import { storedChunks } from "./stored-content.js";

/** Options of {@link RedisStorage}: where to connect, plus how files are laid out. */
export interface RedisStorageOptions extends RedisConnectionOptions, BlobBackendOptions {
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

/**
 * The advanced blob tier on Redis (standalone or Cluster), through ioredis.
 *
 * Each file version is a hash of fixed-size chunks under its own random hash tag, so content
 * spreads over every cluster master; a small catalogue (sorted-set index, metadata, folder counts,
 * reference counts) under the namespace's hash tag makes writes, moves, deletes and conflict checks
 * single atomic Lua scripts. Writes stage the new content first, then swap it in: readers see the
 * old file or the new one, never a mix. Connection failures become `StorageUnavailableError`
 * within `connectTimeoutMs`; the same instance works again once Redis is back.
 *
 * Built on core's `BlobBackend`, which checks keys, content, `mtime` and signals before any of the
 * primitives below runs, wraps reads for aborts, and maps every failure through
 * {@link RedisStorage.classify}. An abort of a read's signal destroys the stream and fetches no
 * more chunks; of a write's, before the swap, removes the staged content. The time given to
 * `write` is kept to the nanosecond (`mtimeNs`; else the time of the write), and so is the
 * `contentType` (else the one the name implies, `contentTypeFor`).
 */
export class RedisStorage extends BlobBackend {
  /** The key prefix and catalogue hash tag of this storage. */
  readonly namespace: string;
  readonly #connection: RedisConnection;
  readonly #catalogue: Catalogue;
  readonly #copies: ServerCopies;
  readonly #writeConcurrency: number;
  readonly #readBatch: number;
  readonly #graceMs: number;
  readonly #stagingTtlMs: number;

  constructor(options: RedisStorageOptions = {}) {
    const namespace = options.namespace ?? "stowage";
    if (namespace === "" || /[{}]/.test(namespace)) {
      throw new InvalidOptionsError("namespace", namespace, "must be non-empty and contain no '{' or '}'", OWNER);
    }
    super(options);
    this.#writeConcurrency = positiveInteger("writeConcurrency", options.writeConcurrency ?? 4, OWNER);
    this.#readBatch = positiveInteger("readBatch", options.readBatch ?? 4, OWNER);
    this.#graceMs = positiveInteger("readerGraceMs", options.readerGraceMs ?? 60_000, OWNER);
    this.#stagingTtlMs = positiveInteger("stagingTtlMs", options.stagingTtlMs ?? 3_600_000, OWNER);
    this.namespace = namespace;
    const connection = new RedisConnection(options, (option, value, reason) => new InvalidOptionsError(option, value, reason, OWNER));
    this.#connection = connection;
    this.#catalogue = new Catalogue(connection, blobKeys(namespace), this.#graceMs, (error, operation, key) => this.classify(error, operation, key));
    const peer: RedisPeer = { layout: KEY_LAYOUT, namespace, client: connection.client, endpoints: () => connection.endpoints() };
    this.#copies = new ServerCopies({ catalogue: this.#catalogue, peer, target: this });
    // Not enumerable, and not part of the class's type: only other RedisStorages look for it.
    Object.defineProperty(this, REDIS_STORAGE_BRAND, { value: peer });
  }

  /** The ioredis client in use (shared or owned). */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /**
   * Where folder `prefix` is (core's `PlacedStorage`, for sync's overlap checks): the server's
   * `run_id` and database (a cluster's node ids), the namespace, then the folder. One `INFO`
   * (or `CLUSTER NODES`) per call; fails as calls do (`E_UNAVAILABLE` when Redis cannot be reached).
   */
  async place(prefix: string): Promise<StoragePlace> {
    const space = await this.#catalogue.typed("list", prefix, () => serverSpace(this.#connection, this.namespace));
    return placeBelow(space, [], prefix);
  }

  /** Closes the connection, unless the client was passed in by the caller. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  /** The stored chunks as a stream, `readBatch` per round trip; the metadata is read first (a missing file rejects). */
  protected async readFile(key: string): Promise<Readable> {
    return Readable.from(await this.#chunks(key, this.defaultChunkSize), { objectMode: false });
  }

  /** The stored chunks themselves when `size` is the stored chunk size, else re-sliced as they arrive. */
  protected override async readChunks(key: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    return this.#chunks(key, size);
  }

  /**
   * Fails before consuming the content when the write cannot succeed (a file/folder conflict: the
   * swap checks again), stages the content, then swaps it in with its mtime. An abort seen after
   * the last chunk but before the swap removes the staged content.
   */
  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    const catalogue = this.#catalogue;
    const reason = await catalogue.run(() => checkScript.run(this.client, catalogue.keys.catalogue, [key]));
    if (typeof reason === "string") throw new SnapshotConflictError(key, reason);
    const source = content.bytes === undefined ? content.chunks : [content.bytes];
    const meta = await stageContent(catalogue, key, source, {
      chunkSize: this.defaultChunkSize,
      writeConcurrency: this.#writeConcurrency,
      stagingTtlMs: this.#stagingTtlMs,
    });
    Object.assign(meta, keptTimeAndType(key, meta.m, options));
    if (options.signal?.aborted === true) {
      await catalogue.discard(meta.g);
      throwIfAborted(options.signal, `the write of '${key}'`);
    }
    await catalogue.commit(key, meta);
  }

  /** One `HGET` of the catalogue's metadata: size, mtime in ms, SHA-256 etag. */
  protected async statFile(key: string): Promise<FileStat | undefined> {
    const meta = await this.#catalogue.meta(key);
    return meta === undefined ? undefined : toStat(key, meta);
  }

  /** One script; the freed content lingers `readerGraceMs` for readers still streaming it. */
  protected async deleteFile(key: string): Promise<void> {
    const catalogue = this.#catalogue;
    const freed = await catalogue.run(() => deleteScript.run(this.client, catalogue.keys.catalogue, [key]));
    await catalogue.release(freed as string[]);
  }

  /** One script: the catalogue entry moves, the content stays where it is. */
  protected async moveFile(src: string, dst: string): Promise<void> {
    const catalogue = this.#catalogue;
    const reply = await catalogue.run(() => moveScript.run(this.client, catalogue.keys.catalogue, [src, dst]));
    await catalogue.settle(dst, reply, src);
  }

  /**
   * Every file under `folder` with its stat (size, mtime in ms, SHA-256 etag), in
   * `compareKeys` order, fetched lazily: per page of up to 1000 files one `ZRANGEBYLEX` of
   * the catalogue's index and one `HMGET` of their metadata, the first page on the first `next()`,
   * each further one when the previous is consumed. A file deleted between the two calls is left
   * out. Nothing is ever skipped: every catalogued key is a valid file, so `options.onSkip` is
   * never called. An index or metadata hash that is missing while files are catalogued, or that
   * vanishes mid-walk, fails the listing with `SnapshotIOError` (`E_IO`), never ends it early.
   */
  protected listFiles(folder: string, options: StreamListOptions): AsyncIterable<FileStat> {
    void options;
    return catalogueStats(this.#call, this.#catalogue.keys, folder);
  }

  /**
   * One level of `folder`, through core's flat-key listing over the catalogue's sorted set: pages
   * of up to 1000 keys by `ZRANGEBYLEX`, and one jump past a sub-folder's whole subtree whenever a
   * page ends inside it.
   */
  protected override async listLevel(folder: string): Promise<string[]> {
    const entries: string[] = [];
    for await (const entry of listFlatLevel(folder, catalogueKeyReader(this.#call, this.#catalogue.keys, folder))) entries.push(entry);
    return entries;
  }

  /** Calls of the catalogue listings (their own file), on a ready connection. */
  readonly #call: CatalogueCall = (_path, call) => this.#catalogue.run(() => call(this.client));

  /**
   * A failed Redis call as a stowage error: `StorageUnavailableError` (`E_UNAVAILABLE`) for no
   * answer within `commandTimeoutMs` or no connection within `connectTimeoutMs`, else
   * `SnapshotIOError` (`E_IO`); the cause is redacted (no password, no file bytes).
   */
  protected override classify(error: unknown, _operation: BlobOperation, key: string): unknown {
    return toStorageError(error, key, this.#connection);
  }

  /**
   * A native copier when `source` is a RedisStorage (of any copy of this package, recognised by
   * its `Symbol.for("stowage.redis")` brand) on the same server and database or the same cluster:
   * the same client object, or connections to the same socket path, host and port, or cluster
   * node. Else `undefined`, and sync streams the bytes (core's one streamed copy, with its signal).
   *
   * - Same namespace: the copy shares the source's content by reference (one Lua script, no bytes
   *   moved).
   * - Another namespace: the content hash is duplicated inside Redis with `COPY` (Redis 6.2 or
   *   later) under a key in the same hash slot, then committed to this catalogue; no chunk passes
   *   through the client. When the server refuses `COPY` (older than 6.2, or an ACL), that copy
   *   and the rest of the sync stream through the client (core's `copyFile`), and later syncs get
   *   no copier.
   *
   * Copies keep the source's modification time.
   */
  syncCopier(source: SnapshotStorage): SyncCopier | undefined {
    return this.#copies.copierFrom(source);
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
    const catalogue = this.#catalogue;
    return collectStagedGarbage({
      client: this.client,
      namespace: this.namespace,
      keys: catalogue.keys,
      redis: (call) => catalogue.typed("delete", "", call),
      graceMs: this.#graceMs,
      olderThanMs,
      dryRun,
    });
  }

  /** The stored version at `key` in chunks of `size`; `SnapshotNotFoundError` when no file is there. */
  async #chunks(key: string, size: number): Promise<AsyncIterable<Uint8Array>> {
    const meta: BlobMeta | undefined = await this.#catalogue.meta(key);
    if (meta === undefined) throw new SnapshotNotFoundError(key);
    return storedChunks(this.#catalogue, key, meta, size, {
      readBatch: this.#readBatch,
      run: (call) => this.#catalogue.typed("read", key, call),
    });
  }
}
