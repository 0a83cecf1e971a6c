import { BaseStore, type BaseStoreOptions, type ObjectModel } from "@stowage/core";

/** Type name -> uid -> stored JSON text: what a persistent backend holds. */
export type Backend = Map<string, Map<string, string>>;

/**
 * A store that keeps objects as JSON text in a backend map that several instances can share, the
 * way a persistent store keeps them on a server: it exercises `reopen` and the JSON round trip.
 */
export class JsonStore extends BaseStore {
  readonly backend: Backend;
  /** Objects per yielded page of `scan`; 1 yields objects one by one. */
  protected readonly pageSize: number = 100;

  constructor(backend: Backend = new Map(), options: BaseStoreOptions = {}) {
    super(options);
    this.backend = backend;
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const bucket = this.backend.get(modelName);
    return uids.map((uid) => {
      const text = bucket?.get(uid);
      return text === undefined ? undefined : this.decode(text);
    });
  }

  protected async *scan(modelName: string): AsyncGenerator<ObjectModel | readonly ObjectModel[], void, undefined> {
    const texts = [...(this.backend.get(modelName)?.values() ?? [])];
    // Pages of `pageSize`, like a persistent backend fetching in batches; one by one when it is 1.
    for (let start = 0; start < texts.length; start += this.pageSize) {
      const page = texts.slice(start, start + this.pageSize).map((text) => this.decode(text));
      if (this.pageSize === 1) yield page[0] as ObjectModel;
      else yield page;
    }
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    // Check and write with no await between them: atomic, as a backend's insert must be.
    const text = this.backend.get(obj.getType())?.get(obj.getUniqueId());
    if (text !== undefined) return this.decode(text);
    this.#write(obj);
    return undefined;
  }

  protected async put(obj: ObjectModel): Promise<void> {
    this.#write(obj);
  }

  #write(obj: ObjectModel): void {
    let bucket = this.backend.get(obj.getType());
    if (bucket === undefined) this.backend.set(obj.getType(), (bucket = new Map()));
    bucket.set(obj.getUniqueId(), this.encode(obj));
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    const bucket = this.backend.get(modelName);
    const deleted = uids.map((uid) => bucket?.delete(uid) ?? false);
    if (bucket?.size === 0) this.backend.delete(modelName);
    return deleted;
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    if (modelName !== undefined) return this.backend.get(modelName)?.size ?? 0;
    return [...this.backend.values()].reduce((total, bucket) => total + bucket.size, 0);
  }

  protected async modelNames(): Promise<string[]> {
    return [...this.backend.keys()];
  }
}


/** The same store, streaming `scan` object by object instead of in pages. */
export class OneByOneJsonStore extends JsonStore {
  protected override readonly pageSize = 1;
}
