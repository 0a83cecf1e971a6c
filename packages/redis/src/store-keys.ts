/**
 * The key layout of {@link RedisStore}: one hash per model and shard, and one model-name set per
 * shard.
 *
 * - `<namespace>:<storeId>:{<shard>}:<model>`: hash, field = uid, value = the object's JSON;
 * - `<namespace>:<storeId>:{<shard>}`: set of the model names with an object in that shard.
 *
 * An object lives in the shard of its uid (FNV-1a of the uid, modulo {@link SHARDS}). The
 * `{<shard>}` hash tag puts both keys of a shard in one hash slot, so a write changes an object
 * and its model's entry in the name set atomically even on a cluster, while the {@link SHARDS}
 * slots spread a store over the masters. `count` is HLEN, `getAll` HSCAN, `getMany` HMGET, and
 * no key is per object: per object, Redis keeps one hash field (no key object, no index member).
 *
 * Every component is escaped ({@link escapeKeyPart}), so `:` never appears inside one and glob or
 * hash-tag characters never leak out of one: a key parses back unambiguously.
 */

/** Number of hash-tag shards. Part of the stored format: every client of a store must agree. */
export const SHARDS = 16;

// Key separator, hash-tag braces, glob characters, the escape character itself.
const SPECIAL = /[%:{}*?[\]\\]/g;

const HAS_SPECIAL = /[%:{}*?[\]\\]/;

/** Escapes one key component: `%`, `:`, `{`, `}`, `*`, `?`, `[`, `]` and `\` become `%XX`. */
export function escapeKeyPart(part: string): string {
  if (!HAS_SPECIAL.test(part)) return part;
  return part.replace(SPECIAL, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** Reverses {@link escapeKeyPart}. */
export function unescapeKeyPart(part: string): string {
  return part.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The shard of a uid: FNV-1a (32 bit) of its UTF-16 code units, modulo {@link SHARDS}. */
export function shardOf(uid: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) {
    hash ^= uid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % SHARDS;
}

/** 0 .. SHARDS-1. */
export const ALL_SHARDS: readonly number[] = Array.from({ length: SHARDS }, (_, shard) => shard);

/**
 * The keys of one model in one shard, `keys` (its hash, the shard's model-name set), with
 * `args` (the model name): what a write script shares among the objects of one model and shard.
 */
export interface ModelShard {
  readonly keys: readonly [string, string];
  readonly args: readonly [string];
}

/** The keys of one store. */
export class StoreKeys {
  readonly #base: string;
  // Bulk work asks for the same few keys per object: keep them rather than rebuild them each time.
  readonly #hashes = new Map<string, string[]>();
  readonly #modelShards = new Map<string, ModelShard[]>();
  readonly #models: readonly string[];

  constructor(namespace: string, storeId: string) {
    this.#base = `${escapeKeyPart(namespace)}:${escapeKeyPart(storeId)}`;
    this.#models = ALL_SHARDS.map((shard) => `${this.#base}:{${shard}}`);
  }

  /** The hash of `model` in `shard` (uid -> JSON). */
  hash(model: string, shard: number): string {
    let keys = this.#hashes.get(model);
    if (keys === undefined) {
      keys = ALL_SHARDS.map((each) => `${this.#base}:{${each}}:${escapeKeyPart(model)}`);
      this.#hashes.set(model, keys);
    }
    return keys[shard] ?? `${this.#base}:{${shard}}:${escapeKeyPart(model)}`;
  }

  /** The hash of `model` in `shard`, the shard's model-name set and the model name; the same object every time. */
  modelShard(model: string, shard: number): ModelShard {
    let pairs = this.#modelShards.get(model);
    if (pairs === undefined) {
      pairs = ALL_SHARDS.map((each) => ({ keys: [this.hash(model, each), this.models(each)], args: [model] }));
      this.#modelShards.set(model, pairs);
    }
    return pairs[shard] ?? { keys: [this.hash(model, shard), this.models(shard)], args: [model] };
  }

  /** The model-name set of `shard`. */
  models(shard: number): string {
    return this.#models[shard] ?? `${this.#base}:{${shard}}`;
  }
}
