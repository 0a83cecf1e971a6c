/**
 * The key layout of {@link RedisStore}: `<namespace>:<storeId>:<model>:{<shard>}<uid>`.
 *
 * Every component is escaped ({@link escapeKeyPart}), so `:` never appears inside one and glob or
 * hash-tag characters never leak out of one: a key parses back unambiguously. The `{<shard>}` hash
 * tag (shard = FNV-1a of the uid, modulo {@link SHARDS}) spreads a store's objects over
 * {@link SHARDS} hash slots, hence over the masters of a cluster, while each object shares a slot
 * with the two index sets it must change atomically with:
 *
 * - `<namespace>:<storeId>:{<shard>}:<model>`: set of the uids of `model` in that shard;
 * - `<namespace>:<storeId>:{<shard>}`: set of the model names with an object in that shard.
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

/** The index keys of one model in one shard: `keys` (uid set, model-name set), `args` (model name). */
export interface IndexPair {
  readonly keys: readonly [string, string];
  readonly args: readonly [string];
}

/** The keys of one store. */
export class StoreKeys {
  readonly #base: string;
  // Bulk work asks for the same few keys per object: keep them rather than rebuild them each time.
  readonly #modelPrefixes = new Map<string, string>();
  readonly #indexes = new Map<string, string[]>();
  readonly #indexPairs = new Map<string, IndexPair[]>();
  readonly #models: readonly string[];

  constructor(namespace: string, storeId: string) {
    this.#base = `${escapeKeyPart(namespace)}:${escapeKeyPart(storeId)}`;
    this.#models = ALL_SHARDS.map((shard) => `${this.#base}:{${shard}}`);
  }

  /** The key of one object. */
  object(model: string, uid: string, shard: number = shardOf(uid)): string {
    let prefix = this.#modelPrefixes.get(model);
    if (prefix === undefined) {
      prefix = `${this.#base}:${escapeKeyPart(model)}:`;
      this.#modelPrefixes.set(model, prefix);
    }
    return `${prefix}{${shard}}${escapeKeyPart(uid)}`;
  }

  /** The uid set of `model` in `shard`. */
  index(model: string, shard: number): string {
    let keys = this.#indexes.get(model);
    if (keys === undefined) {
      keys = ALL_SHARDS.map((each) => `${this.#base}:{${each}}:${escapeKeyPart(model)}`);
      this.#indexes.set(model, keys);
    }
    return keys[shard] ?? `${this.#base}:{${shard}}:${escapeKeyPart(model)}`;
  }

  /**
   * The uid set of `model` in `shard` and the model-name set of `shard`, with the model name: what
   * a write script shares among the objects of one model and shard. The same object every time.
   */
  indexPair(model: string, shard: number): IndexPair {
    let pairs = this.#indexPairs.get(model);
    if (pairs === undefined) {
      pairs = ALL_SHARDS.map((each) => ({ keys: [this.index(model, each), this.models(each)], args: [model] }));
      this.#indexPairs.set(model, pairs);
    }
    return pairs[shard] ?? { keys: [this.index(model, shard), this.models(shard)], args: [model] };
  }

  /** The model-name set of `shard`. */
  models(shard: number): string {
    return this.#models[shard] ?? `${this.#base}:{${shard}}`;
  }

  /** Splits an object key back into model and uid (undefined for any other key). */
  parseObject(key: string): { model: string; uid: string } | undefined {
    if (!key.startsWith(`${this.#base}:`)) return undefined;
    const match = /^([^:{]+):\{\d+\}([^:]*)$/.exec(key.slice(this.#base.length + 1));
    if (match === null) return undefined;
    return { model: unescapeKeyPart(match[1] ?? ""), uid: unescapeKeyPart(match[2] ?? "") };
  }
}

