import { logEvent } from "../logging/logger.js";
import { InvalidObjectError, ObjectAlreadyExists, ObjectNotFound, nameObject } from "./errors.js";
import { canonicalJson } from "./json.js";
import {
  instantiate,
  schemaOf,
  type AnyModelClass,
  type AttributesOf,
  type IdentifiersOf,
  type ObjectModel,
} from "./model.js";
import { modelClassOf, resolveUid, uidFromIdentifiers, type IdentifierOf, type InstanceOf, type ModelRef } from "./model-ref.js";
import { StorePrimitives } from "./store-primitives.js";
import type { RemoveOptions } from "./store-options.js";
import { ownArray } from "./own-array.js";

export type { BaseStoreOptions, ImmediatePrimitives, RemoveOptions } from "./store-options.js";

/**
 * What the synchronous path of {@link BaseStore.add}, `update` and `remove` returns: one settled
 * promise, shared. An async method allocates a promise and its own state per call (about 260
 * bytes, by V8's sampling heap profiler); through {@link ImmediatePrimitives}, such a call now
 * allocates about 40.
 */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * A typed object store (diffsync's BaseStore). The public methods are implemented once, here, on
 * top of seven protected primitives that each backend implements; so every backend has the same
 * behaviour, including the convenience methods, whose every change goes through the primitives.
 * A store in process memory may also give them as synchronous calls ({@link BaseStore.immediate}).
 *
 * Contract, for all backends:
 * - Objects are keyed by (model type name, uid); both are arbitrary non-empty / any strings,
 *   special characters included. Type names are exact (no case folding).
 * - A returned object may be the stored instance (MemoryStore) or a fresh copy (persistent
 *   stores): change it, then call {@link update} to persist the change.
 * - `add` of an object whose data equals the stored one is a no-op; different data with the same
 *   uid throws {@link ObjectAlreadyExists} carrying both objects.
 * - Stored objects are validated plain JSON ({@link ObjectModel.toJSON}), so every backend reads
 *   back exactly what was written.
 */
export abstract class BaseStore extends StorePrimitives {
  // ---- The public API. ------------------------------------------------------------------------

  /** Registers model classes, so objects can be read back by type name or identifiers object. */
  registerModels(...models: AnyModelClass[]): void {
    this.registry.register(...models);
  }

  /** The type names that have at least one stored object. */
  async getAllModelNames(): Promise<Set<string>> {
    return new Set(await this.modelNames());
  }

  /**
   * One object by its uid or identifiers object. `model` is a type name, class or instance; an
   * identifiers object needs a class (given, or registered for the name). Throws
   * {@link ObjectNotFound} when absent.
   */
  async get<M extends ModelRef>(model: M, identifier: IdentifierOf<M>): Promise<InstanceOf<M>> {
    const type = this.typeOf(model);
    // The class resolving `model` registered (or found registered) is what builds an identifiers object's uid.
    const uid = typeof identifier === "string" ? identifier : resolveUid(type, this.registry.find(type), identifier);
    const now = this.immediate;
    const found = now !== undefined ? now.get(type, uid) : (await this.getMany(type, [uid]))[0];
    if (found === undefined) throw new ObjectNotFound(type, uid);
    return found as InstanceOf<M>;
  }

  /** Every object of a type, in the backend's order (MemoryStore: insertion order). */
  async getAll<M extends ModelRef>(model: M): Promise<InstanceOf<M>[]> {
    const type = this.typeOf(model);
    if (this.immediate !== undefined) return this.immediate.getAll(type) as InstanceOf<M>[];
    let all: ObjectModel[] | undefined;
    for await (const item of this.scan(type)) {
      // A store that yields one page (MemoryStore) hands over its array: no copy.
      if (all === undefined && isPage(item)) all = ownArray(item);
      else if (isPage(item)) for (const obj of item) (all as ObjectModel[]).push(obj);
      else (all ??= []).push(item);
    }
    return (all ?? []) as InstanceOf<M>[];
  }

  /** Every object of a type, streamed: for sets too large to hold at once. */
  async *iterate<M extends ModelRef>(model: M): AsyncGenerator<InstanceOf<M>, void, undefined> {
    const type = this.typeOf(model);
    for await (const item of this.scan(type)) {
      if (isPage(item)) yield* item as InstanceOf<M>[];
      else yield item as InstanceOf<M>;
    }
  }

  /**
   * The objects with these uids, in the order asked (repeats included). Throws
   * {@link ObjectNotFound} naming the first uid that is absent.
   */
  async getByUids<M extends ModelRef>(uids: readonly string[], model: M): Promise<InstanceOf<M>[]> {
    const type = this.typeOf(model);
    if (!Array.isArray(uids) || !uids.every((uid) => typeof uid === "string")) {
      throw new InvalidObjectError(`${type}: uids must be an array of strings`);
    }
    const found = this.immediate !== undefined ? this.immediate.getMany(type, uids) : ownArray(await this.getMany(type, uids));
    return found.map((obj, index) => {
      if (obj === undefined) throw new ObjectNotFound(type, uids[index] as string);
      return obj as InstanceOf<M>;
    });
  }

  /**
   * Adds an object. The same data again is a no-op; different data under the same type and uid
   * throws {@link ObjectAlreadyExists} with the stored object as `existing`.
   */
  add(obj: ObjectModel): Promise<void> {
    const now = this.immediate;
    if (now === undefined) return this.#addThrough(obj);
    // The synchronous path (see SETTLED): every failure is a rejection, as from an async method.
    try {
      this.#added(obj, now.insert(this.checkedForWrite(obj)));
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #addThrough(obj: ObjectModel): Promise<void> {
    this.#added(obj, await this.insertValidated(obj));
  }

  /** What {@link add} does once `obj` was inserted, or `existing` was found stored instead. */
  #added(obj: ObjectModel, existing: ObjectModel | undefined): void {
    if (existing === undefined) {
      this.logChange("store.add", obj);
      return;
    }
    if (!existing.hasSameData(obj)) throw new ObjectAlreadyExists(existing, obj);
  }

  /**
   * Adds many objects, as {@link add} each, in as few round trips as the backend allows. Every
   * object is validated first: one that is not a valid model throws `InvalidObjectError` and
   * nothing is added. An object whose uid is stored with different data throws
   * {@link ObjectAlreadyExists} (the first such, in order), after the others were added.
   */
  async addMany(objs: readonly ObjectModel[]): Promise<void> {
    const existing = await this.withJsonMany(objs, () => this.insertMany(objs));
    let refused: ObjectAlreadyExists | undefined;
    existing.forEach((stored, index) => {
      const obj = objs[index] as ObjectModel;
      if (stored === undefined) this.logChange("store.add", obj);
      else if (refused === undefined && !stored.hasSameData(obj)) refused = new ObjectAlreadyExists(stored, obj);
    });
    if (refused !== undefined) throw refused;
  }

  /**
   * Stores many objects, as {@link update} each, in as few round trips as the backend allows;
   * validated first: an invalid one throws `InvalidObjectError` and nothing is stored.
   */
  async updateMany(objs: readonly ObjectModel[]): Promise<void> {
    await this.withJsonMany(objs, () => this.putMany(objs));
    for (const obj of objs) this.logChange("store.update", obj);
  }

  /**
   * Removes many objects (not their children), in as few round trips as the backend allows. Every
   * argument is checked first (a non-model throws `InvalidObjectError`, nothing removed). Throws
   * {@link ObjectNotFound} for the first object that was not stored, after removing the others.
   */
  async removeMany(objs: readonly ObjectModel[]): Promise<void> {
    if (!Array.isArray(objs)) throw new InvalidObjectError("removeMany expects an array of model objects");
    for (const obj of objs) modelClassOf(obj);
    // One deleteMany per type, in order of first appearance.
    const byType = new Map<string, number[]>();
    objs.forEach((obj, index) => {
      const positions = byType.get(obj.getType());
      if (positions === undefined) byType.set(obj.getType(), [index]);
      else positions.push(index);
    });
    const deleted: boolean[] = new Array<boolean>(objs.length).fill(false);
    for (const [type, positions] of byType) {
      const results = await this.deleteMany(type, positions.map((index) => (objs[index] as ObjectModel).getUniqueId()));
      positions.forEach((index, i) => (deleted[index] = results[i] === true));
    }
    const missing = deleted.indexOf(false);
    objs.forEach((obj, index) => deleted[index] && this.logChange("store.remove", obj));
    if (missing !== -1) {
      const obj = objs[missing] as ObjectModel;
      throw new ObjectNotFound(obj.getType(), obj.getUniqueId());
    }
  }

  /**
   * The objects with these uids, in the order asked, `undefined` for each one that is absent: as
   * {@link getByUids}, without failing on a missing one. One backend call for the whole list.
   */
  async findMany<M extends ModelRef>(uids: readonly string[], model: M): Promise<(InstanceOf<M> | undefined)[]> {
    const type = this.typeOf(model);
    if (!Array.isArray(uids) || !uids.every((uid) => typeof uid === "string")) {
      throw new InvalidObjectError(`${type}: uids must be an array of strings`);
    }
    const found = this.immediate !== undefined ? this.immediate.getMany(type, uids) : ownArray(await this.getMany(type, uids));
    return found as (InstanceOf<M> | undefined)[];
  }

  /** Stores an object, replacing the stored one with its type and uid, or adding it. */
  update(obj: ObjectModel): Promise<void> {
    const now = this.immediate;
    if (now === undefined) return this.#updateThrough(obj);
    try {
      now.put(this.checkedForWrite(obj));
      this.logChange("store.update", obj);
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #updateThrough(obj: ObjectModel): Promise<void> {
    await this.putValidated(obj);
    this.logChange("store.update", obj);
  }

  /**
   * Removes an object; throws {@link ObjectNotFound} when it is not stored. With
   * `removeChildren`, its children (as listed in the stored object) are removed too, recursively
   * and depth-first; a listed child that is not stored is logged as a warning and skipped.
   */
  remove(obj: ObjectModel, options?: RemoveOptions): Promise<void> {
    // No `= {}` default: it would allocate an object on every call.
    const children = options?.removeChildren === true;
    const now = this.immediate;
    if (now === undefined || children) return this.#removeThrough(obj, children);
    try {
      modelClassOf(obj);
      const type = obj.getType();
      const uid = obj.getUniqueId();
      this.#removed(obj, type, uid, now.delete(type, uid));
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #removeThrough(obj: ObjectModel, children: boolean): Promise<void> {
    modelClassOf(obj);
    const type = obj.getType();
    const uid = obj.getUniqueId();
    const now = this.immediate;
    let stored: ObjectModel | undefined;
    if (children) stored = now !== undefined ? now.get(type, uid) : (await this.getMany(type, [uid]))[0];
    this.#removed(obj, type, uid, now !== undefined ? now.delete(type, uid) : (await this.deleteMany(type, [uid]))[0]);
    if (children) await this.#removeChildrenOf(stored ?? obj);
  }

  /** What {@link remove} does once the object was deleted, or found absent (`deleted` not true). */
  #removed(obj: ObjectModel, type: string, uid: string, deleted: boolean | undefined): void {
    if (deleted !== true) throw new ObjectNotFound(type, uid);
    this.logChange("store.remove", obj);
  }

  /** How many objects of a type are stored (exact type name), or in total without `model`. */
  async count(model?: ModelRef): Promise<number> {
    const type = model === undefined ? undefined : this.typeOf(model);
    // Awaited rather than returned: returning a promise from an async method costs two more hops.
    return this.immediate !== undefined ? this.immediate.count(type) : await this.countStored(type);
  }

  /**
   * The object with these identifiers, or a new one built from `ids` and `attrs` and added.
   * Resolves `[object, created]`; `attrs` are ignored when the object exists.
   */
  async getOrInstantiate<C extends AnyModelClass>(
    model: C,
    ids: IdentifiersOf<C>,
    attrs: Partial<AttributesOf<C>> = {},
  ): Promise<[InstanceType<C>, boolean]> {
    const found = await this.#find(model, ids);
    if (found !== undefined) return [found, false];
    return this.getOrAddModelInstance(instantiate(model, { ...attrs, ...ids }) as InstanceType<C>);
  }

  /** The stored object with `obj`'s uid, or `obj` after adding it. Resolves `[object, added]`. */
  async getOrAddModelInstance<T extends ObjectModel>(obj: T): Promise<[T, boolean]> {
    const now = this.immediate;
    const existing = now !== undefined ? now.insert(this.checkedForWrite(obj)) : await this.insertValidated(obj);
    if (existing !== undefined) return [existing as T, false];
    this.logChange("store.add", obj);
    return [obj, true];
  }

  /**
   * Sets `attrs` on the object with these identifiers and stores it, or builds a new one from
   * `ids` and `attrs` and adds it. Resolves `[object, created]`.
   */
  async updateOrInstantiate<C extends AnyModelClass>(
    model: C,
    ids: IdentifiersOf<C>,
    attrs: Partial<AttributesOf<C>>,
  ): Promise<[InstanceType<C>, boolean]> {
    const found = await this.#find(model, ids);
    if (found !== undefined) return [await this.#updateAttrs(found, attrs), false];
    const created = instantiate(model, { ...attrs, ...ids }) as InstanceType<C>;
    return this.#addOrUpdate(created, attrs);
  }

  /**
   * Copies `obj`'s attributes onto the stored object with its uid and stores it, or adds `obj`.
   * Resolves `[object, added]`.
   */
  async updateOrAddModelInstance<T extends ObjectModel>(obj: T): Promise<[T, boolean]> {
    this.validateForWrite(obj);
    const now = this.immediate;
    const found = now !== undefined ? now.get(obj.getType(), obj.getUniqueId()) : (await this.getMany(obj.getType(), [obj.getUniqueId()]))[0];
    if (found !== undefined) return [await this.#updateAttrs(found as T, obj.getAttrs()), false];
    return this.#addOrUpdate(obj, obj.getAttrs());
  }

  /**
   * Runs `work` so that the writes this store makes meanwhile are committed together when it
   * settles, whether it resolves or rejects (its result or rejection is passed on): a process that
   * dies first keeps none of them. Calls may nest (the inner joins the outer), and writes of other
   * callers of this store meanwhile may join too.
   *
   * The default runs `work` as it is, each write committing by itself; a store that can commit
   * many writes as one overrides it (SQLiteStore: one transaction). When it is overridden, the
   * Adapter sync runs each batch of whole families (top-level objects and their descendants) in
   * one, so a sync cut short by a crash leaves no family half written.
   */
  commitTogether<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** Releases the backend's resources (connections). The store is unusable afterwards. */
  async close(): Promise<void> {}

  // ---- Internals. -----------------------------------------------------------------------------

  async #find<C extends AnyModelClass>(model: C, ids: IdentifiersOf<C>): Promise<InstanceType<C> | undefined> {
    const type = this.typeOf(model);
    const uid = uidFromIdentifiers(schemaOf(model), ids as Record<string, unknown>);
    const now = this.immediate;
    const found = now !== undefined ? now.get(type, uid) : (await this.getMany(type, [uid]))[0];
    return found as InstanceType<C> | undefined;
  }

  /** Adds `obj`; if another writer added the same uid meanwhile, updates that one instead. */
  async #addOrUpdate<T extends ObjectModel>(obj: T, attrs: object): Promise<[T, boolean]> {
    const [result, added] = await this.getOrAddModelInstance(obj);
    return added ? [result, true] : [await this.#updateAttrs(result, attrs), false];
  }

  /** Sets the attributes that differ and stores the object when any did. */
  async #updateAttrs<T extends ObjectModel>(obj: T, attrs: object): Promise<T> {
    const current = obj.getAttrs() as Record<string, unknown>;
    const changed = Object.entries(attrs).filter(([field, value]) => !sameJson(current[field], value));
    if (changed.length === 0) return obj;
    obj.setAttrs(Object.fromEntries(changed));
    await this.update(obj);
    return obj;
  }

  async #removeChildrenOf(parent: ObjectModel): Promise<void> {
    for (const childType of schemaOf(parent).children.keys()) {
      const uids = parent.getChildUids(childType);
      if (uids.length === 0) continue;
      const children = await this.getMany(childType, uids);
      for (const [index, child] of children.entries()) {
        const uid = uids[index] as string;
        const [deleted] = child === undefined ? [false] : await this.deleteMany(childType, [uid]);
        if (child === undefined || deleted !== true) {
          const fields = { store: this.name, parent: String(parent), model: childType, uid };
          logEvent("warn", "store.remove.missing-child", fields, `${String(parent)}: child ${nameObject(childType, uid)} is not stored; skipped`);
          continue;
        }
        this.logChange("store.remove", child);
        await this.#removeChildrenOf(child);
      }
    }
  }
}

function isPage(item: ObjectModel | readonly ObjectModel[]): item is readonly ObjectModel[] {
  return Array.isArray(item);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && canonicalJson(a as never) === canonicalJson(b as never));
}
