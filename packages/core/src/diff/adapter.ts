import type { Diff } from "./diff.js";
import { diffAdapters } from "./differ.js";
import type { AdapterSyncOptions, DiffOptions } from "./options.js";
import { syncAdapters } from "./syncer.js";
import { logEvent } from "../logging/logger.js";
import { BaseStore, type BaseStoreOptions, type RemoveOptions } from "../object-store/base-store.js";
import { InvalidObjectError } from "../object-store/errors.js";
import type { JsonObject } from "../object-store/json.js";
import { MemoryStore } from "../object-store/memory-store.js";
import { instantiate, schemaOf, type AnyModelClass, type AttributesOf, type IdentifiersOf, type ObjectModel } from "../object-store/model.js";
import type { IdentifierOf, InstanceOf, ModelRef } from "../object-store/model-ref.js";

/** A store class an adapter can instantiate itself. */
export type StoreClass = new (options?: BaseStoreOptions) => BaseStore;

/** Options of {@link Adapter}. */
export interface AdapterOptions {
  /** A name for logs and diffs; the class name by default. */
  name?: string;
  /** The store: an instance, or a class to instantiate. A new {@link MemoryStore} by default. */
  store?: BaseStore | StoreClass;
}

/** Every object of an adapter as plain data: type name -> uid -> fields. */
export type AdapterDict = Record<string, Record<string, JsonObject>>;

/**
 * A set of typed objects (diffsync's Adapter): declares its model classes and the order of its
 * top-level types, and keeps its objects in a store, whose API it passes through.
 *
 * ```ts
 * class Network extends Adapter {
 *   static override readonly models = [Device, Interface];
 *   static override readonly topLevel = ["device"];
 * }
 * const network = new Network(); // MemoryStore; or new Network({ store: someStore })
 * ```
 */
export class Adapter {
  /** The model classes this adapter holds. */
  static readonly models: readonly AnyModelClass[] = [];
  /** The top-level model types, in the order a diff or sync walks them. */
  static readonly topLevel: readonly string[] = [];

  /** The adapter's name. */
  readonly name: string;
  /** The store holding the objects. */
  readonly store: BaseStore;
  readonly #models = new Map<string, AnyModelClass>();

  /**
   * Validates the declaration (unique type names; every top-level type is a declared model) and
   * opens the store, registering the model classes with it.
   */
  constructor(options: AdapterOptions = {}) {
    const declared = new.target as typeof Adapter;
    this.name = options.name ?? new.target.name;
    for (const model of declared.models) {
      const { type } = schemaOf(model);
      if (this.#models.has(type)) throw new InvalidObjectError(`${this.name}: model type '${type}' is declared twice`);
      this.#models.set(type, model);
    }
    for (const type of declared.topLevel) {
      if (!this.#models.has(type)) throw new InvalidObjectError(`${this.name}: top-level type '${type}' is not a declared model`);
    }
    const store = options.store ?? MemoryStore;
    const models = [...this.#models.values()];
    this.store = store instanceof BaseStore ? store : new store({ name: `${this.name}.store`, models });
    this.store.registerModels(...models);
  }

  /** The declared top-level model types, in order. */
  get topLevel(): readonly string[] {
    return (this.constructor as typeof Adapter).topLevel;
  }

  /** The declared model classes. */
  get models(): readonly AnyModelClass[] {
    return [...this.#models.values()];
  }

  /** The declared class of a model type; throws {@link InvalidObjectError} for an undeclared one. */
  getModelClass(type: string): AnyModelClass {
    const model = this.#models.get(type);
    if (model === undefined) throw new InvalidObjectError(`${this.name}: model type '${type}' is not declared`);
    return model;
  }

  /** How many objects the store holds. */
  async size(): Promise<number> {
    return this.store.count();
  }

  /** {@inheritDoc BaseStore.getAllModelNames} */
  getAllModelNames(): Promise<Set<string>> {
    return this.store.getAllModelNames();
  }

  /** {@inheritDoc BaseStore.get} */
  get<M extends ModelRef>(model: M, identifier: IdentifierOf<M>): Promise<InstanceOf<M>> {
    return this.store.get(model, identifier);
  }

  /** {@inheritDoc BaseStore.getAll} */
  getAll<M extends ModelRef>(model: M): Promise<InstanceOf<M>[]> {
    return this.store.getAll(model);
  }

  /** {@inheritDoc BaseStore.iterate} */
  iterate<M extends ModelRef>(model: M): AsyncGenerator<InstanceOf<M>, void, undefined> {
    return this.store.iterate(model);
  }

  /** {@inheritDoc BaseStore.getByUids} */
  getByUids<M extends ModelRef>(uids: readonly string[], model: M): Promise<InstanceOf<M>[]> {
    return this.store.getByUids(uids, model);
  }

  /** {@inheritDoc BaseStore.add} */
  add(obj: ObjectModel): Promise<void> {
    return this.store.add(obj);
  }

  /** {@inheritDoc BaseStore.update} */
  update(obj: ObjectModel): Promise<void> {
    return this.store.update(obj);
  }

  /** {@inheritDoc BaseStore.remove} */
  remove(obj: ObjectModel, options?: RemoveOptions): Promise<void> {
    return this.store.remove(obj, options);
  }

  /** {@inheritDoc BaseStore.count} */
  count(model?: ModelRef): Promise<number> {
    return this.store.count(model);
  }

  /** {@inheritDoc BaseStore.getOrInstantiate} */
  getOrInstantiate<C extends AnyModelClass>(model: C, ids: IdentifiersOf<C>, attrs?: Partial<AttributesOf<C>>): Promise<[InstanceType<C>, boolean]> {
    return this.store.getOrInstantiate(model, ids, attrs);
  }

  /** {@inheritDoc BaseStore.getOrAddModelInstance} */
  getOrAddModelInstance<T extends ObjectModel>(obj: T): Promise<[T, boolean]> {
    return this.store.getOrAddModelInstance(obj);
  }

  /** {@inheritDoc BaseStore.updateOrInstantiate} */
  updateOrInstantiate<C extends AnyModelClass>(model: C, ids: IdentifiersOf<C>, attrs: Partial<AttributesOf<C>>): Promise<[InstanceType<C>, boolean]> {
    return this.store.updateOrInstantiate(model, ids, attrs);
  }

  /** {@inheritDoc BaseStore.updateOrAddModelInstance} */
  updateOrAddModelInstance<T extends ObjectModel>(obj: T): Promise<[T, boolean]> {
    return this.store.updateOrAddModelInstance(obj);
  }

  /**
   * Adds every object of `data` (type name -> uid -> fields). Everything is validated first (each
   * type declared, each record a valid object whose uid matches its key): bad input throws
   * {@link InvalidObjectError} and adds nothing. Adding then follows `add`'s rules.
   */
  async loadFromDict(data: AdapterDict): Promise<void> {
    if (data === null || typeof data !== "object") throw new InvalidObjectError(`${this.name}: loadFromDict expects an object`);
    const objects: ObjectModel[] = [];
    for (const [type, records] of Object.entries(data)) {
      const model = this.getModelClass(type);
      if (records === null || typeof records !== "object" || Array.isArray(records)) {
        throw new InvalidObjectError(`${this.name}: loadFromDict expects uid -> fields under '${type}'`);
      }
      for (const [uid, fields] of Object.entries(records)) {
        const obj = instantiate(model, fields);
        if (obj.getUniqueId() !== uid) {
          throw new InvalidObjectError(`${this.name}: ${type} record under key ${JSON.stringify(uid)} has uid ${JSON.stringify(obj.getUniqueId())}`);
        }
        obj.toJSON();
        objects.push(obj);
      }
    }
    for (const obj of objects) await this.store.add(obj);
    logEvent("info", "adapter.load", { adapter: this.name, objects: objects.length }, `${this.name}: loaded ${objects.length} objects`);
  }

  /** Every stored object as plain data: type name -> uid -> fields (declared types first). */
  async toDict(): Promise<AdapterDict> {
    const stored = await this.store.getAllModelNames();
    const types = [...[...this.#models.keys()].filter((type) => stored.has(type)), ...[...stored].filter((type) => !this.#models.has(type))];
    const dict: AdapterDict = {};
    for (const type of types) {
      const records: Record<string, JsonObject> = {};
      for await (const obj of this.store.iterate(type)) records[obj.getUniqueId()] = obj.toJSON().fields;
      dict[type] = records;
    }
    return dict;
  }

  /**
   * What syncing `source` into this adapter would change: the top-level types both declare, in
   * this adapter's order, matched by uid, children included (see the "Diff and sync" section of
   * the README). Reads both stores; changes nothing.
   */
  diffFrom<D extends Diff = Diff>(source: Adapter, options?: DiffOptions<D>): Promise<D> {
    return diffAdapters(source, this, options);
  }

  /** What syncing this adapter into `target` would change; the same as `target.diffFrom(this)`. */
  diffTo<D extends Diff = Diff>(target: Adapter, options?: DiffOptions<D>): Promise<D> {
    return diffAdapters(this, target, options);
  }

  /**
   * Makes this adapter match `source`: applies the diff (computed, or `options.diff`) through this
   * adapter's model hooks (`create`, `update`, `delete`) and persists every change in this
   * adapter's store. Resolves the applied diff.
   */
  syncFrom<D extends Diff = Diff>(source: Adapter, options?: AdapterSyncOptions<D>): Promise<D> {
    return syncAdapters(source, this, options);
  }

  /** Makes `target` match this adapter; the same as `target.syncFrom(this)`. */
  syncTo<D extends Diff = Diff>(target: Adapter, options?: AdapterSyncOptions<D>): Promise<D> {
    return syncAdapters(this, target, options);
  }

  /**
   * Called on the destination after a sync that applied at least one change (diffsync's
   * `sync_complete`). Does nothing; override it to commit a transaction, say.
   */
  syncComplete(source: Adapter, diff: Diff, flags: number): void | Promise<void> {
    void [source, diff, flags];
  }

  /** Closes the store. */
  close(): Promise<void> {
    return this.store.close();
  }
}
