import { randomUUID } from "node:crypto";
import {
  BaseStore,
  ObjectNotFound,
  ObjectStoreError,
  StorageUnavailableError,
  isStowageError,
  logEvent,
  modelClassOf,
  schemaOf,
  type BaseStoreOptions,
  type ObjectModel,
  type RemoveOptions,
} from "@stowage/core";
import { RedisConnection, isUnavailableError, type RedisClient, type RedisConnectionOptions } from "./connection.js";
import { ALL_SHARDS, StoreKeys, shardOf } from "./store-keys.js";
import type { LuaScript } from "./lua-script.js";
import { ScriptBatcher, type BatchItem } from "./script-batcher.js";
import { countScript, insertOneScript, insertScript, putOneScript, putScript, removeOneScript, removeScript } from "./store-scripts.js";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions extends BaseStoreOptions, RedisConnectionOptions {
  /** The dataset's id: stores (in any process) with the same id share one dataset. Default a random UUID. */
  storeId?: string;
  /** First component of every key. Default `"stowage"`. */
  namespace?: string;
}

/** Fields per HMGET and per HSCAN page: bounds reply sizes and server latency. */
const BATCH = 1000;

/**
 * How the message of every outage begins (diffsync's wording); what failed follows, after `: `
 * (`Redis store is unavailable: connect ECONNREFUSED 127.0.0.1:6379`).
 */
export const UNAVAILABLE_MESSAGE = "Redis store is unavailable";

/**
 * An object store on Redis (standalone or Cluster), through ioredis: diffsync's RedisStore, with
 * JSON values in one hash per model and shard (so counts are HLEN and model names a small set:
 * nothing scans the keyspace), escaped keys, batched reads, and atomic adds and removes.
 *
 * Objects are read back as fresh copies: after changing one, call `update` to store the change.
 * See `store-keys.ts` for the key layout.
 */
export class RedisStore extends BaseStore {
  /** The dataset's id. */
  readonly storeId: string;
  /** The first component of every key. */
  readonly namespace: string;
  readonly #connection: RedisConnection;
  readonly #keys: StoreKeys;
  readonly #inserts: ScriptBatcher;
  readonly #puts: ScriptBatcher;
  readonly #removes: ScriptBatcher;

  constructor(options: RedisStoreOptions = {}) {
    super(options);
    this.storeId = options.storeId ?? randomUUID();
    this.namespace = options.namespace ?? "stowage";
    for (const [name, value] of [["storeId", this.storeId], ["namespace", this.namespace]] as const) {
      if (typeof value !== "string" || value === "") throw new ObjectStoreError(`RedisStore: ${name} must be a non-empty string`);
    }
    // Scripts bypass ioredis's auto-pipeline: the ScriptBatchers merge concurrent calls already,
    // and the auto-pipeline's event-loop turn was most of a lone add's client-side time.
    this.#connection = new RedisConnection(
      options,
      (option, _value, reason) => new ObjectStoreError(`RedisStore: option '${option}' ${reason}`),
      { pipelineScripts: false },
    );
    this.#keys = new StoreKeys(this.namespace, this.storeId);
    const run = (script: LuaScript, keys: string[], args: (string | number)[]) => this.#redis(() => script.run(this.client, keys, args));
    this.#inserts = new ScriptBatcher(insertScript, insertOneScript, run);
    this.#puts = new ScriptBatcher(putScript, putOneScript, run);
    this.#removes = new ScriptBatcher(removeScript, removeOneScript, run);
  }

  /**
   * Creates a store and checks that Redis answers, within `connectTimeoutMs`; rejects with
   * `StorageUnavailableError` (`E_UNAVAILABLE`, "Redis store is unavailable: <what failed>", the
   * cause attached) otherwise.
   */
  static async connect(options: RedisStoreOptions = {}): Promise<RedisStore> {
    const store = new RedisStore(options);
    try {
      await store.ping();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** The ioredis client in use (shared or owned). */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /** Checks that Redis answers; `StorageUnavailableError` (`E_UNAVAILABLE`) otherwise. */
  async ping(): Promise<void> {
    await this.#redis(() => this.client.ping());
  }

  override async close(): Promise<void> {
    await this.#connection.close();
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const result: (ObjectModel | undefined)[] = new Array(uids.length).fill(undefined);
    // One HMGET of up to BATCH uids per shard: each shard's objects are one hash.
    const positions = new Map<number, number[]>();
    uids.forEach((uid, index) => {
      const shard = shardOf(uid);
      const list = positions.get(shard);
      if (list === undefined) positions.set(shard, [index]);
      else list.push(index);
    });
    const batches: [number, number[]][] = [];
    for (const [shard, list] of positions) {
      for (let i = 0; i < list.length; i += BATCH) batches.push([shard, list.slice(i, i + BATCH)]);
    }
    await Promise.all(
      batches.map(async ([shard, batch]) => {
        const fields = batch.map((index) => uids[index] as string);
        const values = await this.#redis(() => this.client.hmget(this.#keys.hash(modelName, shard), ...fields));
        values.forEach((value, j) => {
          if (value !== null) result[batch[j] as number] = this.decode(value);
        });
      }),
    );
    return result;
  }

  protected async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    for (const shard of ALL_SHARDS) {
      const hash = this.#keys.hash(modelName, shard);
      // HSCAN may repeat a field when the hash is rehashed meanwhile: yield each once.
      const seen = new Set<string>();
      let page = this.#redis(() => this.client.hscan(hash, "0", "COUNT", BATCH));
      for (;;) {
        const [cursor, entries] = await page;
        // The next page is asked for before this one is decoded.
        if (cursor !== "0") {
          page = this.#redis(() => this.client.hscan(hash, cursor, "COUNT", BATCH));
          // If the caller stops iterating, this prefetch must not become an unhandled rejection.
          page.catch(() => undefined);
        }
        const objects: ObjectModel[] = [];
        for (let i = 0; i + 1 < entries.length; i += 2) {
          const uid = entries[i] as string;
          if (seen.has(uid)) continue;
          seen.add(uid);
          objects.push(this.decode(entries[i + 1] as string));
        }
        if (objects.length > 0) yield objects;
        if (cursor === "0") break;
      }
    }
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const existing = await this.#write(this.#inserts, obj);
    return typeof existing === "string" ? this.decode(existing) : undefined;
  }

  protected async put(obj: ObjectModel): Promise<void> {
    await this.#write(this.#puts, obj);
  }

  /** All at once: one script run per 1000 objects (per hash slot on a cluster), sent together. */
  protected override async insertMany(objs: readonly ObjectModel[]): Promise<(ObjectModel | undefined)[]> {
    const replies = await this.#writeMany(this.#inserts, objs);
    return replies.map((existing) => (typeof existing === "string" ? this.decode(existing) : undefined));
  }

  /** All at once, as {@link insertMany}; in order, so the last of one uid wins. */
  protected override async putMany(objs: readonly ObjectModel[]): Promise<void> {
    await this.#writeMany(this.#puts, objs);
  }

  /** Runs a write script for many objects: grouped by hash slot on a cluster, replies in order. */
  async #writeMany(batcher: ScriptBatcher, objs: readonly ObjectModel[]): Promise<unknown[]> {
    return this.#inGroups(objs.length, (i) => {
      const obj = objs[i] as ObjectModel;
      const uid = obj.getUniqueId();
      const shard = shardOf(uid);
      return [shard, { key: undefined, args: [this.encode(obj), uid], shared: this.#keys.modelShard(obj.getType(), shard) }];
    }, batcher);
  }

  /**
   * Builds `count` script items, runs them with `batcher.callMany` per group (everything at once
   * on a standalone server, per hash slot on a cluster), and returns the replies in item order.
   */
  async #inGroups(count: number, item: (index: number) => [number, BatchItem], batcher: ScriptBatcher): Promise<unknown[]> {
    const groups = new Map<number, { indexes: number[]; items: BatchItem[] }>();
    for (let i = 0; i < count; i++) {
      const [shard, built] = item(i);
      const group = this.#group(shard);
      let entry = groups.get(group);
      if (entry === undefined) groups.set(group, (entry = { indexes: [], items: [] }));
      entry.indexes.push(i);
      entry.items.push(built);
    }
    const replies: unknown[] = new Array(count);
    await Promise.all(
      [...groups.values()].map(async ({ indexes, items }) => {
        const got = await batcher.callMany(items);
        indexes.forEach((index, j) => (replies[index] = got[j]));
      }),
    );
    return replies;
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    if (uids.length === 1) return [await this.#removeOne(modelName, uids[0] as string)];
    return this.#removeAll(uids.map((uid) => ({ model: modelName, uid })));
  }

  /**
   * Deletes one object; whether it was stored. Queued, so the removes issued in the same tick
   * share a script run.
   */
  async #removeOne(model: string, uid: string): Promise<boolean> {
    const shard = shardOf(uid);
    return (await this.#removes.call(this.#group(shard), undefined, [uid], this.#keys.modelShard(model, shard))) === 1;
  }

  /**
   * Removes an object; with `removeChildren`, its stored descendants too, all in one Lua script on
   * a standalone server (on a cluster, one script per hash slot). Descendants are found first,
   * from the stored objects' child lists; a listed child that is not stored is logged and skipped.
   */
  override remove(obj: ObjectModel, options: RemoveOptions = {}): Promise<void> {
    // Not async itself: a plain remove is core's, without one more promise per call.
    if (options.removeChildren !== true) return super.remove(obj, options);
    return this.#removeTree(obj);
  }

  async #removeTree(obj: ObjectModel): Promise<void> {
    modelClassOf(obj);
    const type = obj.getType();
    const uid = obj.getUniqueId();
    const [stored] = await this.getMany(type, [uid]);
    if (stored === undefined) throw new ObjectNotFound(type, uid);
    const tree = [stored];
    await this.#collectDescendants(stored, tree, new Set([`${type}\u0000${uid}`]));
    const removed = await this.#removeAll(tree.map((node) => ({ model: node.getType(), uid: node.getUniqueId() })));
    if (removed[0] !== true) throw new ObjectNotFound(type, uid);
    tree.forEach((node, i) => {
      if (removed[i] === true) logEvent("debug", "store.remove", { store: this.name, model: node.getType(), uid: node.getUniqueId() }, `store.remove ${String(node)}`);
    });
  }

  async #collectDescendants(parent: ObjectModel, tree: ObjectModel[], seen: Set<string>): Promise<void> {
    for (const childType of schemaOf(parent).children.keys()) {
      const uids = parent.getChildUids(childType).filter((uid) => !seen.has(`${childType}\u0000${uid}`));
      uids.forEach((uid) => seen.add(`${childType}\u0000${uid}`));
      const children = await this.getMany(childType, uids);
      for (const [index, child] of children.entries()) {
        if (child === undefined) {
          const uid = uids[index] as string;
          logEvent("warn", "store.remove.missing-child", { store: this.name, parent: String(parent), model: childType, uid },
            `${String(parent)}: child ${childType} ${JSON.stringify(uid)} is not stored; skipped`);
          continue;
        }
        tree.push(child);
        await this.#collectDescendants(child, tree, seen);
      }
    }
  }

  /**
   * Deletes objects; per object, whether it was stored. Calls made together run as one script (per
   * hash slot on a cluster, up to 1000 objects each), so a tree of objects goes at once.
   */
  async #removeAll(targets: readonly { model: string; uid: string }[]): Promise<boolean[]> {
    if (targets.length === 1) {
      const { model, uid } = targets[0] as { model: string; uid: string };
      return [await this.#removeOne(model, uid)];
    }
    const replies = await this.#inGroups(targets.length, (i) => {
      const { model, uid } = targets[i] as { model: string; uid: string };
      const shard = shardOf(uid);
      return [shard, { key: undefined, args: [uid], shared: this.#keys.modelShard(model, shard) }];
    }, this.#removes);
    return replies.map((reply) => reply === 1);
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    const models = modelName === undefined ? await this.modelNames() : [modelName];
    const hashes = models.flatMap((model) => ALL_SHARDS.map((shard) => this.#keys.hash(model, shard)));
    if (hashes.length === 0) return 0;
    // Every hash on one server: one script run sums them. A cluster asks each hash's node.
    if (!this.#connection.isCluster) return Number(await this.#redis(() => countScript.run(this.client, hashes, [])));
    const counts = await Promise.all(hashes.map((hash) => this.#redis(() => this.client.hlen(hash))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  protected async modelNames(): Promise<string[]> {
    const perShard = await Promise.all(ALL_SHARDS.map((shard) => this.#redis(() => this.client.smembers(this.#keys.models(shard)))));
    return [...new Set(perShard.flat())];
  }

  #write(batcher: ScriptBatcher, obj: ObjectModel): Promise<unknown> {
    const model = obj.getType();
    const uid = obj.getUniqueId();
    const shard = shardOf(uid);
    return batcher.call(this.#group(shard), undefined, [this.encode(obj), uid], this.#keys.modelShard(model, shard));
  }

  /** Calls of one group may share a script run: everything on a standalone server, one slot on a cluster. */
  #group(shard: number): number {
    return this.#connection.isCluster ? shard : 0;
  }

  /**
   * Runs Redis calls on a ready connection; connection failures, and replies missing past
   * `commandTimeoutMs`, become StorageUnavailableError (`E_UNAVAILABLE`, as the blob tier's, "Redis
   * store is unavailable: <what failed>"); other failures ObjectStoreError (`E_OBJECT_STORE`).
   */
  async #redis<T>(call: () => Promise<T>): Promise<T> {
    try {
      if (this.client.status !== "ready") await this.#connection.ready();
      return await call();
    } catch (error) {
      if (isStowageError(error)) throw error;
      // Redacted: ioredis errors carry command arguments (AUTH's password among them).
      const cause = this.#connection.redact(error);
      const detail = this.#connection.redact(error instanceof Error ? error.message : String(error));
      if (this.#connection.isCommandTimeout(error)) {
        throw new StorageUnavailableError(`${UNAVAILABLE_MESSAGE}: Redis did not answer within ${this.#connection.commandTimeoutMs} ms (commandTimeoutMs)`, { cause });
      }
      if (isUnavailableError(error)) throw new StorageUnavailableError(`${UNAVAILABLE_MESSAGE}: ${detail}`, { cause });
      throw new ObjectStoreError(`Redis failed: ${detail}`, { cause });
    }
  }
}
