import { MemoryStore, type BaseStoreOptions, type ObjectModel } from "@stowage/core";

/**
 * A store that behaves like every persistent store: it keeps a JSON copy of what it is given and
 * returns fresh copies, so a change to a returned object is lost unless written back. `reverse`
 * makes scans run newest first, so no test can lean on insertion order.
 */
export class JsonCopyStore extends MemoryStore {
  readonly #reverse: boolean;

  constructor(options: BaseStoreOptions & { reverse?: boolean } = {}) {
    super(options);
    this.#reverse = options.reverse ?? false;
  }

  protected override async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    return (await super.getMany(modelName, uids)).map((obj) => obj && this.#copy(obj));
  }

  protected override async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    const all: ObjectModel[] = [];
    for await (const page of super.scan(modelName)) for (const obj of page) all.push(this.#copy(obj));
    // Pages of two, so the engine meets paged scans as persistent stores yield them.
    if (this.#reverse) all.reverse();
    for (let start = 0; start < all.length; start += 2) yield all.slice(start, start + 2);
  }

  protected override async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const existing = await super.insert(this.#copy(obj));
    return existing && this.#copy(existing);
  }

  protected override async put(obj: ObjectModel): Promise<void> {
    await super.put(this.#copy(obj));
  }

  #copy(obj: ObjectModel): ObjectModel {
    return this.decode(this.encode(obj));
  }
}

/** A broken store: `update` of an object already stored is silently dropped (diffsync's Redis flaw, store-side). */
export class LostUpdatesStore extends JsonCopyStore {
  protected override async put(obj: ObjectModel): Promise<void> {
    if ((await this.getMany(obj.getType(), [obj.getUniqueId()]))[0] === undefined) await super.put(obj);
  }
}

/** A broken store: `scan` stops after its first page (a paging loop that never asks for the next). */
export class FirstPageOnlyStore extends JsonCopyStore {
  protected override async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    for await (const page of super.scan(modelName)) {
      yield page;
      return;
    }
  }
}

/** A broken store: it persists identifiers and attributes only, dropping each object's child lists. */
export class DroppedChildrenStore extends JsonCopyStore {
  protected override encode(obj: ObjectModel): string {
    return JSON.stringify({ type: obj.getType(), fields: { ...obj.getIdentifiers(), ...obj.getAttrs() } });
  }
}
