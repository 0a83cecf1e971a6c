import { BaseStore, type BaseStoreOptions, type ImmediatePrimitives } from "./base-store.js";
import type { ObjectModel } from "./model.js";

/**
 * The object store held in process memory (diffsync's LocalStore), and the {@link Adapter}'s
 * default. Objects keep insertion order (an update keeps an object's place); reading an unknown
 * model creates nothing.
 *
 * It stores the instances it is given and returns those same instances (no copies), which is fast
 * and what diffsync users expect. Code that should run on every backend must still call `update`
 * after changing an object: persistent stores return copies.
 *
 * Its primitives are synchronous ({@link ImmediatePrimitives}), so a call awaits nothing inside; a
 * subclass that overrides one of the asynchronous primitives (`getMany`, `scan`, `insert`, `put`,
 * `deleteMany`, `countStored`) as a method is served through those instead, so its overrides run.
 * (Whether it does is decided at construction, from the class: a primitive replaced on the
 * instance afterwards, say by a class field, is not seen.)
 */
export class MemoryStore extends BaseStore {
  readonly #table = new ObjectTable();
  /** It keeps the instances: writes validate them without building their JSON. */
  protected override readonly keepsInstances = true;
  protected override readonly immediate: ImmediatePrimitives | undefined;

  constructor(options: BaseStoreOptions = {}) {
    super(options);
    this.immediate = PRIMITIVES.every((name) => this[name] === MemoryStore.prototype[name]) ? this.#table : undefined;
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    return this.#table.getMany(modelName, uids);
  }

  protected async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    // One page, a snapshot: objects added or removed while the caller iterates do not disturb it.
    const all = this.#table.getAll(modelName);
    if (all.length > 0) yield all;
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    return this.#table.insert(obj);
  }

  protected async put(obj: ObjectModel): Promise<void> {
    this.#table.put(obj);
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    return uids.map((uid) => this.#table.delete(modelName, uid));
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    return this.#table.count(modelName);
  }

  protected async modelNames(): Promise<string[]> {
    return this.#table.modelNames();
  }
}

/** The primitives a subclass may override; while it overrides none, the immediate ones serve. */
const PRIMITIVES = ["getMany", "scan", "insert", "put", "deleteMany", "countStored"] as const;

/** Model name -> uid -> object (Maps keep insertion order); a model's map goes with its last object. */
class ObjectTable implements ImmediatePrimitives {
  readonly #data = new Map<string, Map<string, ObjectModel>>();

  get(modelName: string, uid: string): ObjectModel | undefined {
    return this.#data.get(modelName)?.get(uid);
  }

  getMany(modelName: string, uids: readonly string[]): (ObjectModel | undefined)[] {
    const bucket = this.#data.get(modelName);
    return uids.map((uid) => bucket?.get(uid));
  }

  getAll(modelName: string): ObjectModel[] {
    const bucket = this.#data.get(modelName);
    return bucket === undefined ? [] : [...bucket.values()];
  }

  insert(obj: ObjectModel): ObjectModel | undefined {
    const bucket = this.#bucket(obj.getType());
    const uid = obj.getUniqueId();
    const existing = bucket.get(uid);
    if (existing === undefined) bucket.set(uid, obj);
    return existing;
  }

  put(obj: ObjectModel): void {
    this.#bucket(obj.getType()).set(obj.getUniqueId(), obj);
  }

  delete(modelName: string, uid: string): boolean {
    const bucket = this.#data.get(modelName);
    if (bucket === undefined || !bucket.delete(uid)) return false;
    if (bucket.size === 0) this.#data.delete(modelName);
    return true;
  }

  count(modelName: string | undefined): number {
    if (modelName !== undefined) return this.#data.get(modelName)?.size ?? 0;
    let total = 0;
    for (const bucket of this.#data.values()) total += bucket.size;
    return total;
  }

  modelNames(): string[] {
    return [...this.#data.keys()];
  }

  #bucket(modelName: string): Map<string, ObjectModel> {
    let bucket = this.#data.get(modelName);
    if (bucket === undefined) this.#data.set(modelName, (bucket = new Map()));
    return bucket;
  }
}
