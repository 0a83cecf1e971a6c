import { MemoryStore, type ObjectModel } from "@stowage/core";
import { JsonStore, type Backend } from "./json-store.js";

/** Lowercases type names when counting (diffsync's RedisStore.count). */
export class CaseFoldingStore extends JsonStore {
  protected override countStored(modelName: string | undefined): Promise<number> {
    return super.countStored(modelName?.toLowerCase());
  }
}

/** Keys objects by a case-folded, NFC-normalized uid (a case-insensitive or normalizing backend). */
export class FoldingUidStore extends JsonStore {
  protected override async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const bucket = this.backend.get(modelName);
    return uids.map((uid) => {
      const text = bucket?.get(fold(uid));
      return text === undefined ? undefined : this.decode(text);
    });
  }
  protected override async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const text = this.backend.get(obj.getType())?.get(fold(obj.getUniqueId()));
    if (text !== undefined) return this.decode(text);
    await this.put(obj);
    return undefined;
  }
  protected override async put(obj: ObjectModel): Promise<void> {
    let bucket = this.backend.get(obj.getType());
    if (bucket === undefined) this.backend.set(obj.getType(), (bucket = new Map()));
    bucket.set(fold(obj.getUniqueId()), this.encode(obj));
  }
  protected override async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    return super.deleteMany(modelName, uids.map(fold));
  }
}

function fold(uid: string): string {
  return uid.normalize("NFC").toLowerCase();
}

/** Returns getMany's results sorted by uid instead of in the order asked. */
export class ReorderingStore extends JsonStore {
  protected override async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    return super.getMany(modelName, [...uids].sort());
  }
}

/** Overwrites on insert instead of refusing (a non-atomic or missing existence check). */
export class OverwritingStore extends JsonStore {
  protected override async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    await this.put(obj);
    return undefined;
  }
}

/** Creates an empty bucket for every type it reads (diffsync's LocalStore quirk). */
export class EmptyBucketStore extends JsonStore {
  protected override async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    if (!this.backend.has(modelName)) this.backend.set(modelName, new Map());
    return super.getMany(modelName, uids);
  }
}

/**
 * Writes updates only to a cache in this instance, never to the shared backend: what diffsync's
 * convenience methods amount to on Redis (issue #272).
 */
export class LocalUpdatesStore extends JsonStore {
  readonly #cache: Backend = new Map();

  protected override async put(obj: ObjectModel): Promise<void> {
    const exists = this.backend.get(obj.getType())?.has(obj.getUniqueId()) ?? false;
    if (!exists) return super.put(obj);
    let bucket = this.#cache.get(obj.getType());
    if (bucket === undefined) this.#cache.set(obj.getType(), (bucket = new Map()));
    bucket.set(obj.getUniqueId(), this.encode(obj));
  }

  protected override async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const stored = await super.getMany(modelName, uids);
    return stored.map((obj, index) => {
      const cached = this.#cache.get(modelName)?.get(uids[index] as string);
      return cached === undefined ? obj : this.decode(cached);
    });
  }
}

/** Treats type names as glob patterns when counting and listing (unescaped Redis SCAN MATCH). */
export class GlobStore extends JsonStore {
  protected override async countStored(modelName: string | undefined): Promise<number> {
    if (modelName === undefined) return super.countStored(undefined);
    let total = 0;
    for (const type of this.#matching(modelName)) total += await super.countStored(type);
    return total;
  }

  protected override async *scan(modelName: string): AsyncGenerator<ObjectModel | readonly ObjectModel[], void, undefined> {
    for (const type of this.#matching(modelName)) yield* super.scan(type);
  }

  #matching(pattern: string): string[] {
    const source = pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    let regex: RegExp;
    try {
      regex = new RegExp(`^${source}$`, "u");
    } catch {
      return this.backend.has(pattern) ? [pattern] : [];
    }
    return [...this.backend.keys()].filter((type) => regex.test(type));
  }
}

/** Serialises identifiers and attributes only, losing child uid lists (a naive encoder). */
export class AttrsOnlyStore extends JsonStore {
  protected override encode(obj: ObjectModel): string {
    obj.toJSON();
    return JSON.stringify({ type: obj.getType(), fields: { ...obj.getIdentifiers(), ...obj.getAttrs() } });
  }
}

/** Checks for an existing object, then writes, with a round trip between: not atomic. */
export class RacyInsertStore extends JsonStore {
  protected override async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const [existing] = await this.getMany(obj.getType(), [obj.getUniqueId()]);
    await new Promise((resolve) => setImmediate(resolve));
    if (existing === undefined) await this.put(obj);
    return existing;
  }
}

/** Checks that an object exists, then deletes it, with a round trip between: two removers both succeed. */
export class RacyRemoveStore extends JsonStore {
  protected override async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    const present = (await this.getMany(modelName, uids)).map((obj) => obj !== undefined);
    await new Promise((resolve) => setImmediate(resolve));
    await super.deleteMany(modelName, uids);
    return present;
  }
}

/**
 * A MemoryStore whose `update` does nothing for an object already stored: invisible to a test that
 * changes the instance `get` returned, since on MemoryStore that is the stored object itself.
 */
export class UpdateOnlyNewStore extends MemoryStore {
  protected override async put(obj: ObjectModel): Promise<void> {
    const [stored] = await this.getMany(obj.getType(), [obj.getUniqueId()]);
    if (stored === undefined) await super.put(obj);
  }
}

/**
 * Keeps the model names this instance has seen in a cache that remove never prunes (a per-client
 * cache): a reopened instance, which starts from the backend, is right; the writing one is not.
 */
export class CachedModelNamesStore extends JsonStore {
  readonly #names = new Set<string>();

  constructor(backend?: Backend) {
    super(backend);
    for (const [type, bucket] of this.backend) if (bucket.size > 0) this.#names.add(type);
  }

  protected override async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    this.#names.add(obj.getType());
    return super.insert(obj);
  }

  protected override async put(obj: ObjectModel): Promise<void> {
    this.#names.add(obj.getType());
    return super.put(obj);
  }

  protected override async modelNames(): Promise<string[]> {
    return [...this.#names];
  }
}
