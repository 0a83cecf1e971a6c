import { SnapshotConflictError, SnapshotNotFoundError, isStowageError, type BlobOperation } from "@stowage/core";
import type { ChainableCommander } from "ioredis";
import { STAMP_FIELD, type BlobKeys, type BlobMeta } from "./blob-keys.js";
import { commitScript } from "./blob-scripts.js";
import { execTransaction } from "./catalogue-listing.js";
import type { RedisClient, RedisConnection } from "./connection.js";
import { redisFailure } from "./storage-errors.js";

/** Maps a failed call to the stowage error callers see (the storage's `classify`). */
export type Classifier = (error: unknown, operation: BlobOperation, key: string) => unknown;

/**
 * RedisStorage's catalogue as its parts use it: calls on a ready connection, and the atomic swap
 * that brings staged (or copied) content in, then frees what it replaced. Failures are thrown as
 * ioredis raised them, for the base to map once (`classify`); work the base does not wrap (chunks
 * pulled after a read resolved, native copies, gc) goes through {@link Catalogue.typed}.
 */
export class Catalogue {
  /** The namespace's key layout. */
  readonly keys: BlobKeys;
  readonly #connection: RedisConnection;
  readonly #graceMs: number;
  readonly #classify: Classifier;

  /**
   * @param graceMs - how long replaced or deleted content stays readable, in ms (`readerGraceMs`).
   * @param classify - the storage's error mapping, for {@link Catalogue.typed}.
   */
  constructor(connection: RedisConnection, keys: BlobKeys, graceMs: number, classify: Classifier) {
    this.#connection = connection;
    this.keys = keys;
    this.#graceMs = graceMs;
    this.#classify = classify;
  }

  /** The ioredis client in use. */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /**
   * Runs `call` once the connection is ready (within `connectTimeoutMs`); what it throws is marked
   * as Redis's ({@link redisFailure}), for `classify`.
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      await this.#connection.ready();
      return await call();
    } catch (error) {
      throw redisFailure(error);
    }
  }

  /** {@link Catalogue.run}, its failure mapped to a stowage error of `operation` on `key`. */
  async typed<T>(operation: BlobOperation, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.run(call);
    } catch (error) {
      throw isStowageError(error) ? error : this.#classify(error, operation, key);
    }
  }

  /** The catalogued metadata of `path`, or `undefined` when no file is stored there. */
  async meta(path: string): Promise<BlobMeta | undefined> {
    const json = await this.run(() => this.client.hget(this.keys.meta, path));
    return json === null ? undefined : (JSON.parse(json) as BlobMeta);
  }

  /**
   * Swaps staged (or copied) content in at `path`. Content the swap did not take is removed; if the
   * call itself fails the outcome is unknown (the swap may have happened), so the content is kept.
   */
  async commit(path: string, meta: BlobMeta): Promise<void> {
    const reply = await this.run(() => commitScript.run(this.client, this.keys.catalogue, [path, JSON.stringify(meta)]));
    if ((reply as string[])[0] !== "ok") await this.discard(meta.g);
    await this.settle(path, reply);
  }

  /** Interprets a commit/move/copy reply: throws its error, or expires the content it freed. */
  async settle(path: string, reply: unknown, source?: string): Promise<void> {
    const [status, ...rest] = reply as string[];
    if (status === "missing") throw new SnapshotNotFoundError(source ?? path);
    if (status === "conflict") throw new SnapshotConflictError(path, rest[0] ?? "file/folder conflict");
    await this.release(rest);
  }

  /** Lets freed content linger for readers still streaming it, then Redis drops it. */
  async release(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.run(() => this.client.pexpire(this.keys.chunks(id), this.#graceMs))));
  }

  /** Best-effort removal of staged content that will never be committed (its TTL is the fallback). */
  async discard(id: string): Promise<void> {
    await this.client.unlink(this.keys.chunks(id)).catch(() => undefined);
  }

  /**
   * Runs `commands` on the content hash `key` in one MULTI/EXEC transaction after stamping it
   * ({@link STAMP_FIELD}: this writer is alive now); resolves with the replies of `commands`.
   */
  async stamp(key: string, commands: (tx: ChainableCommander) => ChainableCommander): Promise<unknown[]> {
    return (await execTransaction(commands(this.client.multi().hset(key, STAMP_FIELD, Date.now())))).slice(1);
  }
}
