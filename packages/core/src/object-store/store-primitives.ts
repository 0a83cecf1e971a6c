import { isLogging, logEvent } from "../logging/logger.js";
import { InvalidObjectError } from "./errors.js";
import { checkStorable, type AnyModelClass, type ModelJSON, type ObjectModel } from "./model.js";
import { modelClassOf, resolveModel, type ModelRef } from "./model-ref.js";
import { ModelRegistry } from "./registry.js";
import type { BaseStoreOptions, ImmediatePrimitives } from "./store-options.js";

/**
 * The lower half of {@link BaseStore}: the primitives a backend implements, the helpers persistent
 * backends use (`encode`, `decode`), and the validation every write goes through once (one JSON
 * serialisation per write, kept for `encode`). `BaseStore` builds the public API on it; a backend
 * extends `BaseStore`, never this class.
 */
export abstract class StorePrimitives {
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

  // ---- Shared by the public API (protected for BaseStore; a backend has no need of them). ----

  /** The last class or type name {@link typeOf} resolved, and its type name. */
  #lastModel: ModelRef | undefined = undefined;
  #lastType = "";

  /**
   * The type name of a model reference, as {@link resolveModel} gives it (registering a class on
   * the way, rejecting what is not a model). Most calls name the model the call before named: a
   * class or a type name is remembered (their type names never change), an instance never is.
   */
  protected typeOf(model: ModelRef): string {
    if (model === this.#lastModel) return this.#lastType;
    const { type } = resolveModel(model, this.registry);
    if (typeof model !== "object") {
      this.#lastModel = model;
      this.#lastType = type;
    }
    return type;
  }

  /**
   * True for a store that keeps the instances it is given and never calls {@link encode}
   * (MemoryStore): writes then only check the object, without building its JSON.
   */
  protected readonly keepsInstances: boolean = false;

  protected validateForWrite(obj: ObjectModel): ModelJSON | undefined {
    if (this.keepsInstances) {
      this.checkedForWrite(obj);
      return undefined;
    }
    this.typeOf(modelClassOf(obj));
    return obj.toJSON();
  }

  /** `obj`, once validated for a store that keeps instances (no JSON built). */
  protected checkedForWrite(obj: ObjectModel): ObjectModel {
    this.typeOf(modelClassOf(obj));
    checkStorable(obj);
    return obj;
  }

  /**
   * Validates `obj` and runs `write` (an insert or put of it) with its JSON at hand for
   * {@link encode}: one serialisation per write. The JSON is dropped when the write settles, so a
   * later change to the object is never hidden by it.
   */
  async #withJson<T>(obj: ObjectModel, write: () => Promise<T>): Promise<T> {
    const json = this.validateForWrite(obj);
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
  protected insertValidated(obj: ObjectModel): Promise<ObjectModel | undefined> {
    return this.#withJson(obj, () => this.insert(obj));
  }

  /** Validates `obj` and puts it through the asynchronous primitive. */
  protected putValidated(obj: ObjectModel): Promise<void> {
    return this.#withJson(obj, () => this.put(obj));
  }

  /** `#withJson` for many objects: all validated before `write` runs. */
  protected async withJsonMany<T>(objs: readonly ObjectModel[], write: () => Promise<T>): Promise<T> {
    if (!Array.isArray(objs)) throw new InvalidObjectError("expected an array of model objects");
    const jsons = objs.map((obj) => this.validateForWrite(obj));
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

  protected logChange(event: string, obj: ObjectModel): void {
    if (!isLogging("debug")) return;
    logEvent("debug", event, { store: this.name, model: obj.getType(), uid: obj.getUniqueId() }, `${event} ${String(obj)}`);
  }
}
