import { BaseStore, type BaseStoreOptions } from "./base-store.js";
import type { ObjectModel } from "./model.js";

/**
 * The object store held in process memory (diffsync's LocalStore), and the {@link Adapter}'s
 * default. Objects keep insertion order (an update keeps an object's place); reading an unknown
 * model creates nothing.
 *
 * It stores the instances it is given and returns those same instances (no copies), which is fast
 * and what diffsync users expect. Code that should run on every backend must still call `update`
 * after changing an object: persistent stores return copies.
 */
export class MemoryStore extends BaseStore {
  readonly #data = new Map<string, Map<string, ObjectModel>>();
  /** It keeps the instances: writes validate them without building their JSON. */
  protected override readonly keepsInstances = true;

  constructor(options: BaseStoreOptions = {}) {
    super(options);
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const bucket = this.#data.get(modelName);
    return uids.map((uid) => bucket?.get(uid));
  }

  protected async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    // One page, a snapshot: objects added or removed while the caller iterates do not disturb it.
    const bucket = this.#data.get(modelName);
    if (bucket !== undefined) yield [...bucket.values()];
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const bucket = this.#bucket(obj.getType());
    const uid = obj.getUniqueId();
    const existing = bucket.get(uid);
    if (existing === undefined) bucket.set(uid, obj);
    return existing;
  }

  protected async put(obj: ObjectModel): Promise<void> {
    this.#bucket(obj.getType()).set(obj.getUniqueId(), obj);
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    const bucket = this.#data.get(modelName);
    const deleted = uids.map((uid) => bucket?.delete(uid) ?? false);
    if (bucket?.size === 0) this.#data.delete(modelName);
    return deleted;
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    if (modelName !== undefined) return this.#data.get(modelName)?.size ?? 0;
    let total = 0;
    for (const bucket of this.#data.values()) total += bucket.size;
    return total;
  }

  protected async modelNames(): Promise<string[]> {
    return [...this.#data.keys()];
  }

  #bucket(modelName: string): Map<string, ObjectModel> {
    let bucket = this.#data.get(modelName);
    if (bucket === undefined) this.#data.set(modelName, (bucket = new Map()));
    return bucket;
  }
}
