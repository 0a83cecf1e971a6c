import type { RedisClient } from "./connection.js";

/**
 * The property under which a RedisStorage describes itself to another one, so that the two can
 * copy natively. A registered symbol, so a RedisStorage from another copy of this package (two
 * versions in one dependency tree) is recognised too, where `instanceof` would fail.
 */
export const REDIS_STORAGE_BRAND = Symbol.for("stowage.redis");

/**
 * The version of the key layout in `blob-keys.ts`. A peer with another layout is never copied
 * natively: its keys would be misread.
 */
export const KEY_LAYOUT = 1;

/** What a RedisStorage tells another one about itself (see {@link REDIS_STORAGE_BRAND}). */
export interface RedisPeer {
  /** {@link KEY_LAYOUT} of the package copy that made the storage. */
  readonly layout: number;
  /** The storage's namespace. */
  readonly namespace: string;
  /** Its ioredis client. */
  readonly client: RedisClient;
  /** Where its connection leads (`RedisConnection.endpoints`). */
  endpoints(): string[];
}

/** The peer description of `value` when it is a RedisStorage (of any copy of this package), else `undefined`. */
export function redisPeerOf(value: unknown): RedisPeer | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const peer = (value as { [REDIS_STORAGE_BRAND]?: unknown })[REDIS_STORAGE_BRAND];
  if (peer === null || typeof peer !== "object") return undefined;
  const { layout, namespace, client, endpoints } = peer as Partial<RedisPeer>;
  if (typeof layout !== "number" || typeof namespace !== "string" || typeof client !== "object" || typeof endpoints !== "function") {
    return undefined;
  }
  return peer as RedisPeer;
}

/**
 * True when two storages reach the same Redis data (one server and database, or one cluster), so
 * that one's client can read the other's keys: the same client object, or connections with an
 * endpoint in common.
 */
export function sameServer(a: RedisPeer, b: RedisPeer): boolean {
  if (a.client === b.client) return true;
  const theirs = new Set(b.endpoints());
  return a.endpoints().some((endpoint) => theirs.has(endpoint));
}
