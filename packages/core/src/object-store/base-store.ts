import { isLogging, logEvent } from "../logging/logger.js";
import { InvalidObjectError, ObjectAlreadyExists, ObjectNotFound, nameObject } from "./errors.js";
import { canonicalJson } from "./json.js";
import {
  checkStorable,
  instantiate,
  schemaOf,
  type AnyModelClass,
  type AttributesOf,
  type IdentifiersOf,
  type ModelJSON,
  type ObjectModel,
} from "./model.js";
import { modelClassOf, resolveModel, resolveUid, uidFromIdentifiers, type IdentifierOf, type InstanceOf, type ModelRef } from "./model-ref.js";
import { ModelRegistry } from "./registry.js";
import { ownArray } from "./own-array.js";

/**
 * What the synchronous path of {@link BaseStore.add}, `update` and `remove` returns: one settled
 * promise, shared. An async method allocates a promise and its own state per call (about 260
 * bytes, by V8's sampling heap profiler); through {@link ImmediatePrimitives}, such a call now
 * allocates about 40.
 */
const SETTLED: Promise<void> = Promise.resolve();

/** Options every store accepts. */
export interface BaseStoreOptions {
  /** A name for logs; the class name by default. */
  name?: string;
  /** Model classes to register up front (needed to read objects back by type name or identifiers). */
  models?: readonly AnyModelClass[];
}

/**
 * The primitives of a store that holds its objects in this process, as synchronous calls (what
 * MemoryStore sets {@link BaseStore.immediate} to). Through them, the public methods answer without
 * awaiting anything: a call costs one promise, the method's own, where each awaited primitive costs
 * one more. Each does what the asynchronous primitive of the same role does.
 */
export interface ImmediatePrimitives {
  /** The stored object of type `modelName` with this uid, or `undefined` (`getMany` for one uid). */
  get(modelName: string, uid: string): ObjectModel | undefined;
  /** As `getMany`: the objects with these uids, in order, `undefined` for each absent one. */
  getMany(modelName: string, uids: readonly string[]): (ObjectModel | undefined)[];
  /** Every stored object of type `modelName`, in a fresh array that belongs to the caller (as `scan`). */
  getAll(modelName: string): ObjectModel[];
  /** As `insert`: stores `obj` unless its type and uid are taken, and returns the stored one if they are. */
  insert(obj: ObjectModel): ObjectModel | undefined;
  /** As `put`: stores `obj`, replacing any stored object of its type and uid. */
  put(obj: ObjectModel): void;
  /** As `deleteMany` for one uid: deletes the object; whether it was stored. */
  delete(modelName: string, uid: string): boolean;
  /** As `countStored`: how many objects of type `modelName` are stored, of every type when undefined. */
  count(modelName: string | undefined): number;
}

/** Options of {@link BaseStore.remove}. */
export interface RemoveOptions {
  /** Also remove the object's children, recursively, depth-first. Default `false`. */
  removeChildren?: boolean;
}

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
export abstract class BaseStore {
  /** The store's name, for logs. */
  readonly name: string;
  /** The model classes this store can rebuild objects with. */
  protected readonly registry = new ModelRegistry();
  /**
   * The JSON of each object whose add or update is in progress, made once when it was validated:
   * {@link encode} takes it from here instead of serialising the object a second time.
   */
  readonly #pendingJson = new WeakMap<ObjectModel, ModelJSON>();

  constructor(options: BaseStoreOptions = {}) {
    this.name = options.name ?? new.target.name;
    this.registry.register(...(options.models ?? []));
  }

  // ---- Primitives: what a backend implements. -------------------------------------------------

  /**
   * The stored objects of type `modelName` with these uids, in the same order, `undefined` for
   * each one that is absent. Any number of uids may be asked at once: fetch them in as few round
   * trips as the backend allows.
   */
  protected abstract getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]>;

  /**
   * Every stored object of type `modelName`, each exactly once, streamed: yield objects one by
   * one, or (faster) whole pages, arrays of the objects the backend fetched at once (a SCAN page
   * plus its MGET, a listing page). Never load the whole set unless it is already in memory. An
   * unknown model yields nothing and creates nothing. A yielded page is a fresh array that
   * belongs to the caller (`getAll` may return it as it is).
   */
  protected abstract scan(modelName: string): AsyncIterable<ObjectModel | readonly ObjectModel[]>;

  /**
   * Stores `obj` if no object of its type and uid is stored, atomically, and resolves `undefined`;
   * otherwise changes nothing and resolves the object already stored.
   */
  protected abstract insert(obj: ObjectModel): Promise<ObjectModel | undefined>;

  /** Stores `obj`, replacing any stored object of its type and uid. */
  protected abstract put(obj: ObjectModel): Promise<void>;

  /**
   * {@link insert} for many objects, in order (an object may repeat, or share a uid with an
   * earlier one: later ones then see it stored); resolves per object what `insert` resolves.
   * The default inserts one at a time; a backend overrides it to write them in a few round trips.
   */
  protected async insertMany(objs: readonly ObjectModel[]): Promise<(ObjectModel | undefined)[]> {
    const existing: (ObjectModel | undefined)[] = [];
    for (const obj of objs) existing.push(await this.insert(obj));
    return existing;
  }

  /**
   * {@link put} for many objects, in order (the last of one uid wins). The default puts one at a
   * time; a backend overrides it to write them in a few round trips.
   */
  protected async putMany(objs: readonly ObjectModel[]): Promise<void> {
    for (const obj of objs) await this.put(obj);
  }

  /** Deletes these objects; resolves, per uid, whether it was stored. */
  protected abstract deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]>;

  /** How many objects of type `modelName` are stored, or of every type when it is undefined. */
  protected abstract countStored(modelName: string | undefined): Promise<number>;

  /** The type names that have at least one stored object. */
  protected abstract modelNames(): Promise<string[]>;

  /**
   * The same primitives as synchronous calls, for a store whose objects are in this process
   * (MemoryStore); `undefined` (the default) for every store that does I/O. When set, the public
   * methods use them instead of the asynchronous primitives (the bulk methods excepted), and the
   * store must keep instances ({@link keepsInstances}).
   */
  protected readonly immediate: ImmediatePrimitives | undefined = undefined;

  // ---- Helpers for persistent backends. -------------------------------------------------------

  /** The text a persistent backend stores for `obj`: its validated {@link ModelJSON}. */
  protected encode(obj: ObjectModel): string {
    return JSON.stringify(this.#pendingJson.get(obj) ?? obj.toJSON());
  }

  /** Rebuilds an object from {@link encode}'s text, through the registered model classes. */
  protected decode(text: string): ObjectModel {
    let json: ModelJSON;
    try {
      json = JSON.parse(text) as ModelJSON;
    } catch (error) {
      throw new InvalidObjectError("Stored object is not valid JSON", { cause: error });
    }
    return this.registry.fromParsedJSON(json);
  }

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
    const type = this.#typeOf(model);
    // The class resolving `model` registered (or found registered) is what builds an identifiers object's uid.
    const uid = typeof identifier === "string" ? identifier : resolveUid(type, this.registry.find(type), identifier);
    const now = this.immediate;
    const found = now !== undefined ? now.get(type, uid) : (await this.getMany(type, [uid]))[0];
    if (found === undefined) throw new ObjectNotFound(type, uid);
    return found as InstanceOf<M>;
  }

  /** Every object of a type, in the backend's order (MemoryStore: insertion order). */
  async getAll<M extends ModelRef>(model: M): Promise<InstanceOf<M>[]> {
    const type = this.#typeOf(model);
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
    const type = this.#typeOf(model);
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
    const type = this.#typeOf(model);
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
      this.#added(obj, now.insert(this.#checked(obj)));
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #addThrough(obj: ObjectModel): Promise<void> {
    this.#added(obj, await this.#insertValidated(obj));
  }

  /** What {@link add} does once `obj` was inserted, or `existing` was found stored instead. */
  #added(obj: ObjectModel, existing: ObjectModel | undefined): void {
    if (existing === undefined) {
      this.#log("store.add", obj);
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
    const existing = await this.#withJsonMany(objs, () => this.insertMany(objs));
    let refused: ObjectAlreadyExists | undefined;
    existing.forEach((stored, index) => {
      const obj = objs[index] as ObjectModel;
      if (stored === undefined) this.#log("store.add", obj);
      else if (refused === undefined && !stored.hasSameData(obj)) refused = new ObjectAlreadyExists(stored, obj);
    });
    if (refused !== undefined) throw refused;
  }

  /**
   * Stores many objects, as {@link update} each, in as few round trips as the backend allows;
   * validated first: an invalid one throws `InvalidObjectError` and nothing is stored.
   */
  async updateMany(objs: readonly ObjectModel[]): Promise<void> {
    await this.#withJsonMany(objs, () => this.putMany(objs));
    for (const obj of objs) this.#log("store.update", obj);
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
    objs.forEach((obj, index) => deleted[index] && this.#log("store.remove", obj));
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
    const type = this.#typeOf(model);
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
      now.put(this.#checked(obj));
      this.#log("store.update", obj);
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #updateThrough(obj: ObjectModel): Promise<void> {
    await this.#putValidated(obj);
    this.#log("store.update", obj);
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
    this.#log("store.remove", obj);
  }

  /** How many objects of a type are stored (exact type name), or in total without `model`. */
  async count(model?: ModelRef): Promise<number> {
    const type = model === undefined ? undefined : this.#typeOf(model);
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
    const existing = now !== undefined ? now.insert(this.#checked(obj)) : await this.#insertValidated(obj);
    if (existing !== undefined) return [existing as T, false];
    this.#log("store.add", obj);
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
    this.#validate(obj);
    const now = this.immediate;
    const found = now !== undefined ? now.get(obj.getType(), obj.getUniqueId()) : (await this.getMany(obj.getType(), [obj.getUniqueId()]))[0];
    if (found !== undefined) return [await this.#updateAttrs(found as T, obj.getAttrs()), false];
    return this.#addOrUpdate(obj, obj.getAttrs());
  }

  /** Releases the backend's resources (connections). The store is unusable afterwards. */
  async close(): Promise<void> {}

  // ---- Internals. -----------------------------------------------------------------------------

  /** The last class or type name {@link #typeOf} resolved, and its type name. */
  #lastModel: ModelRef | undefined = undefined;
  #lastType = "";

  /**
   * The type name of a model reference, as {@link resolveModel} gives it (registering a class on
   * the way, rejecting what is not a model). Most calls name the model the call before named: a
   * class or a type name is remembered (their type names never change), an instance never is.
   */
  #typeOf(model: ModelRef): string {
    if (model === this.#lastModel) return this.#lastType;
    const { type } = resolveModel(model, this.registry);
    if (typeof model !== "object") {
      this.#lastModel = model;
      this.#lastType = type;
    }
    return type;
  }

  async #find<C extends AnyModelClass>(model: C, ids: IdentifiersOf<C>): Promise<InstanceType<C> | undefined> {
    const type = this.#typeOf(model);
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
        this.#log("store.remove", child);
        await this.#removeChildrenOf(child);
      }
    }
  }

  /**
   * True for a store that keeps the instances it is given and never calls {@link encode}
   * (MemoryStore): writes then only check the object, without building its JSON.
   */
  protected readonly keepsInstances: boolean = false;

  #validate(obj: ObjectModel): ModelJSON | undefined {
    if (this.keepsInstances) {
      this.#checked(obj);
      return undefined;
    }
    this.#typeOf(modelClassOf(obj));
    return obj.toJSON();
  }

  /** `obj`, once validated for a store that keeps instances (no JSON built). */
  #checked(obj: ObjectModel): ObjectModel {
    this.#typeOf(modelClassOf(obj));
    checkStorable(obj);
    return obj;
  }

  /**
   * Validates `obj` and runs `write` (an insert or put of it) with its JSON at hand for
   * {@link encode}: one serialisation per write. The JSON is dropped when the write settles, so a
   * later change to the object is never hidden by it.
   */
  async #withJson<T>(obj: ObjectModel, write: () => Promise<T>): Promise<T> {
    const json = this.#validate(obj);
    if (json === undefined) return write();
    this.#pendingJson.set(obj, json);
    try {
      return await write();
    } finally {
      this.#pendingJson.delete(obj);
    }
  }

  /*
   * The closures of the two below live here, not in the public methods: a closure over `obj` would
   * make every call of those allocate a context, the synchronous path's calls included.
   */

  /** Validates `obj` and inserts it through the asynchronous primitive. */
  #insertValidated(obj: ObjectModel): Promise<ObjectModel | undefined> {
    return this.#withJson(obj, () => this.insert(obj));
  }

  /** Validates `obj` and puts it through the asynchronous primitive. */
  #putValidated(obj: ObjectModel): Promise<void> {
    return this.#withJson(obj, () => this.put(obj));
  }

  /** {@link #withJson} for many objects: all validated before `write` runs. */
  async #withJsonMany<T>(objs: readonly ObjectModel[], write: () => Promise<T>): Promise<T> {
    if (!Array.isArray(objs)) throw new InvalidObjectError("expected an array of model objects");
    const jsons = objs.map((obj) => this.#validate(obj));
    objs.forEach((obj, index) => {
      const json = jsons[index];
      if (json !== undefined) this.#pendingJson.set(obj, json);
    });
    try {
      return await write();
    } finally {
      for (const obj of objs) this.#pendingJson.delete(obj);
    }
  }

  #log(event: string, obj: ObjectModel): void {
    if (!isLogging("debug")) return;
    logEvent("debug", event, { store: this.name, model: obj.getType(), uid: obj.getUniqueId() }, `${event} ${String(obj)}`);
  }
}

function isPage(item: ObjectModel | readonly ObjectModel[]): item is readonly ObjectModel[] {
  return Array.isArray(item);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && canonicalJson(a as never) === canonicalJson(b as never));
}
