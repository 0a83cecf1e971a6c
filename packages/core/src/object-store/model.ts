import { InvalidObjectError, ObjectAlreadyExists, ObjectNotFound, ObjectStoreWrongType, nameObject, type DescribedObject } from "./errors.js";
import { canonicalJson, isJsonValue, jsonProblem, type JsonObject, type JsonValue } from "./json.js";
import type { Adapter } from "../diff/adapter.js";
import type { ModelSchema } from "./schema.js";
import { takeParsedJson } from "./parsed-json.js";
import { joinUid } from "./uid.js";

/** The value types an identifier field may hold; the unique id is built from their `String()`. */
export type IdentifierValue = string | number | boolean;


/**
 * A model instance as plain JSON: its type name and every declared field (identifiers, attributes,
 * and child uid lists). This is what persistent stores keep, and what `toDict` returns.
 */
export interface ModelJSON {
  /** The model type name. */
  type: string;
  /** Every declared field with its value. */
  fields: JsonObject;
}

/**
 * A model class: constructible from its fields and carrying its validated schema. `defineModel`
 * creates them; `I` is what the constructor accepts.
 */
export interface ModelClass<T extends ObjectModel = ObjectModel, I = never> {
  /** Builds an instance from its fields; rejects unknown or invalid fields. */
  new (init: I): T;
  /** The validated declaration. */
  readonly schema: ModelSchema;
}

/**
 * What a sync hook (`create`, `update`, `delete`) returns: the object, or `null` for a failure the
 * sync logs and goes past; either directly or as a promise.
 */
export type SyncHookResult<T> = T | null | Promise<T | null>;

/** Any model class, whatever its constructor accepts. */
export type AnyModelClass = ModelClass<ObjectModel, never>;

/** The identifiers object of instances of `C`. */
export type IdentifiersOf<C extends AnyModelClass> = InstanceType<C> extends ObjectModel<infer I> ? I : never;

/** The attributes object of instances of `C`. */
export type AttributesOf<C extends AnyModelClass> = InstanceType<C> extends ObjectModel<object, infer A> ? A : never;

/**
 * The base class of every model. Declare models with {@link defineModel}, which types the fields,
 * the constructor and these methods from the declaration; fields are plain properties
 * (`device.name`, `device.role = "edge"`). A changed object is persisted only by the store's
 * `update` (or `add`), whatever the store.
 *
 * Method names used here (and `create`, `update`, `delete`, which the sync engine reserves for
 * model hooks) cannot be field names.
 */
export abstract class ObjectModel<
  Ids extends object = Record<string, unknown>,
  Attrs extends object = Record<string, unknown>,
> {
  /** The validated declaration; set by `defineModel`. */
  static readonly schema: ModelSchema;

  /** The `ModelFlags` of every object of this class (diffsync's `model_flags`); none by default. */
  static readonly modelFlags: number = 0;

  /**
   * The identifier values the last multi-identifier uid was built from, followed by that uid (see
   * {@link getUniqueId}): one field and one array, made when the uid is first read.
   */
  #uidBuilt: unknown[] | undefined = undefined;

  constructor(init: object) {
    // Fresh JSON.parse output holds only JSON values: the per-value walk is skipped for it.
    const parsed = takeParsedJson();
    const schema = schemaOf(this);
    const fields = this.#fields();
    if (init === null || typeof init !== "object" || Array.isArray(init)) {
      throw new InvalidObjectError(`${schema.type}: fields must be given as an object`);
    }
    for (const key of Object.keys(init)) {
      if (!schema.fields.has(key)) throw new InvalidObjectError(`${schema.type}: unknown field '${key}'`);
    }
    const given = init as Record<string, unknown>;
    for (const field of schema.identifiers) {
      const value = given[field];
      if (!isIdentifierValue(value)) {
        throw new InvalidObjectError(
          `${schema.type}: identifier '${field}' must be a string, a finite number or a boolean, got ${typeOf(value)}`,
        );
      }
      fields[field] = value;
    }
    for (const field of schema.attributes) {
      const value = field in given ? given[field] : cloneJson(schema.defaults[field]);
      if (value === undefined) throw new InvalidObjectError(`${schema.type}: attribute '${field}' is missing`);
      if (!parsed) assertJson(schema.type, field, value);
      fields[field] = value;
    }
    for (const [childType, field] of schema.children) {
      const value = given[field] ?? [];
      if (!Array.isArray(value) || !value.every((uid) => typeof uid === "string")) {
        throw new InvalidObjectError(`${schema.type}: child field '${field}' (${childType}) must be an array of uids`);
      }
      // A parsed list belongs to nobody else: no copy needed.
      fields[field] = parsed ? value : [...value];
    }
  }

  /** The model type name. */
  getType(): string {
    return schemaOf(this).type;
  }

  /**
   * The identifier values joined by `__` in declared order (`""` when there are none), each value
   * escaped when it could be mistaken for the separator (see `joinUid`): distinct identifier
   * tuples never share a uid, and values without `__`, a backslash or an `_` at either end join as in
   * diffsync.
   */
  getUniqueId(): string {
    const { identifiers } = schemaOf(this);
    const fields = this.#fields();
    // One identifier (the common case) needs no array and no join.
    if (identifiers.length === 1) return String(fields[identifiers[0] as string]);
    // The last uid is kept with the values it was built from, and reused while they are the same:
    // stores and the diff engine ask for it many times, and a reused string keeps its hash (a Map
    // lookup with a freshly built key hashes it again).
    const count = identifiers.length;
    const last = this.#uidBuilt;
    if (last !== undefined && sameValues(last, fields, identifiers)) return last[count] as string;
    const built = new Array<unknown>(count + 1);
    const texts = new Array<string>(count);
    for (let index = 0; index < count; index++) texts[index] = String((built[index] = fields[identifiers[index] as string]));
    const uid = joinUid(texts);
    built[count] = uid;
    this.#uidBuilt = built;
    return uid;
  }

  /** The short-name fields joined as the unique id is (see {@link getUniqueId}), or the unique id when none are declared. */
  getShortname(): string {
    const { shortname } = schemaOf(this);
    if (shortname.length === 0) return this.getUniqueId();
    return joinUid(shortname.map((field) => String(this.#fields()[field])));
  }

  /** The identifier fields and their values. */
  getIdentifiers(): Ids {
    return this.#pick(schemaOf(this).identifiers) as Ids;
  }

  /** The attribute fields and their values (a shallow copy: assign fields or use `setAttrs` to change them). */
  getAttrs(): Attrs {
    return this.#pick(schemaOf(this).attributes) as Attrs;
  }

  /** Sets attribute values; any key that is not a declared attribute is rejected and nothing changes. */
  setAttrs(attrs: Partial<Attrs>): this {
    const schema = schemaOf(this);
    const entries = Object.entries(attrs);
    for (const [field, value] of entries) {
      if (!schema.attributes.includes(field)) throw new InvalidObjectError(`${schema.type}: '${field}' is not an attribute`);
      assertJson(schema.type, field, value);
    }
    for (const [field, value] of entries) this.#fields()[field] = value;
    return this;
  }

  /** The uids of this object's children of `childType`, in the order they were added. */
  getChildUids(childType: string): readonly string[] {
    return this.#childList(childType);
  }

  /**
   * Records `child` as a child of this object (by uid; the child itself is stored separately).
   * Throws {@link ObjectStoreWrongType} when children of its type are not declared and
   * {@link ObjectAlreadyExists} when it is already listed.
   */
  addChild(child: ObjectModel): void {
    const list = this.#childList(child.getType());
    const uid = child.getUniqueId();
    if (list.includes(uid)) {
      throw new ObjectAlreadyExists(undefined, child, `is already a child of ${nameObject(this.getType(), this.getUniqueId())}`);
    }
    list.push(uid);
  }

  /**
   * Removes `child` from this object's children: an object, or anything naming its type and uid
   * (a child that is listed but not stored has no object). Throws {@link ObjectStoreWrongType}
   * when children of its type are not declared and {@link ObjectNotFound} when it is not listed.
   */
  removeChild(child: DescribedObject): void {
    const list = this.#childList(child.getType());
    const index = list.indexOf(child.getUniqueId());
    if (index === -1) {
      throw new ObjectNotFound(child.getType(), child.getUniqueId(), `is not a child of ${nameObject(this.getType(), this.getUniqueId())}`);
    }
    list.splice(index, 1);
  }

  /**
   * The object as plain JSON. Throws {@link InvalidObjectError} if a field was assigned a value
   * JSON cannot carry unchanged (a `Date`, `NaN`, `undefined`, a class instance, ...).
   */
  toJSON(): ModelJSON {
    const schema = checkStorable(this as unknown as ObjectModel);
    return { type: schema.type, fields: this.#pick([...schema.fields]) };
  }

  /** True when `other` has the same type and the same field values (key order aside). */
  hasSameData(other: ObjectModel): boolean {
    return other === this || canonicalJson(this.toJSON() as unknown as JsonValue) === canonicalJson(other.toJSON() as unknown as JsonValue);
  }

  /**
   * This object's `ModelFlags`: the class's {@link ObjectModel.modelFlags} unless overridden.
   * Override it to derive flags from the object's fields (say, `IGNORE` for a decommissioned
   * device): flags are computed rather than stored, so they hold on every store.
   */
  getModelFlags(): number {
    return (this.constructor as { modelFlags?: number }).modelFlags ?? 0;
  }

  /**
   * Sync hook: creates the object in the destination's own system, and returns it (the engine then
   * adds it to the destination store and to its parent's child list), or `null` when it could not
   * (logged; the sync goes on without it and its children), or throws `ObjectNotCreated`. The
   * default builds the object from `ids` and the `attrs` the class declares. `adapter` is the
   * destination adapter.
   */
  static create(adapter: Adapter, ids: object, attrs: object): SyncHookResult<ObjectModel<object, object>> {
    void adapter;
    const model = this as unknown as AnyModelClass;
    const declared = schemaOf(model).attributes;
    const known = Object.fromEntries(Object.entries(attrs).filter(([field]) => declared.includes(field)));
    return instantiate(model, { ...known, ...ids });
  }

  /**
   * Sync hook: applies `attrs` (the source values of the attributes that differ) in the
   * destination's own system and returns the object (the engine then persists it through the
   * destination store), or `null` when it could not, or throws `ObjectNotUpdated`. The default
   * sets the attributes on this object.
   */
  update(attrs: Partial<Attrs>, adapter: Adapter): SyncHookResult<ObjectModel<object, object>> {
    void adapter;
    return this.setAttrs(attrs);
  }

  /**
   * Sync hook: deletes the object in the destination's own system and returns it (the engine then
   * removes it from the destination store and its parent's child list), or `null` when it could
   * not, or throws `ObjectNotDeleted`. The default does nothing else.
   */
  delete(adapter: Adapter): SyncHookResult<ObjectModel<object, object>> {
    void adapter;
    return this;
  }

  /** `device "r1"`, for messages and logs. */
  toString(): string {
    return nameObject(this.getType(), this.getUniqueId());
  }

  #fields(): Record<string, unknown> {
    return this as unknown as Record<string, unknown>;
  }

  #pick(names: readonly string[]): JsonObject {
    const picked: JsonObject = {};
    for (const name of names) picked[name] = this.#fields()[name] as JsonValue;
    return picked;
  }

  #childList(childType: string): string[] {
    const schema = schemaOf(this);
    const field = schema.children.get(childType);
    if (field === undefined) {
      throw new ObjectStoreWrongType(`${nameObject(schema.type, this.getUniqueId())} has no children of type '${childType}'`);
    }
    return this.#fields()[field] as string[];
  }
}

/**
 * Builds an instance of `model` from plain fields (as found in {@link ModelJSON}), validating them
 * as the constructor does.
 */
export function instantiate<T extends ObjectModel>(model: ModelClass<T, never>, fields: object): T {
  return new (model as unknown as new (init: object) => T)(fields);
}

/** The schema of a model class or instance; throws for a class not made by `defineModel`. */
export function schemaOf(model: object): ModelSchema {
  const schema = ((typeof model === "function" ? model : model.constructor) as Partial<AnyModelClass>).schema;
  if (schema === undefined) throw new InvalidObjectError("Model classes must be created with defineModel()");
  return schema;
}

/**
 * Checks what {@link ObjectModel.toJSON} checks, without building the JSON: every identifier an
 * identifier value, every attribute and child list JSON. Throws {@link InvalidObjectError};
 * returns the schema.
 */
export function checkStorable(obj: ObjectModel): ModelSchema {
  const schema = schemaOf(obj);
  const fields = obj as unknown as Record<string, unknown>;
  const { identifiers, attributes } = schema;
  for (let index = 0; index < identifiers.length; index++) {
    const field = identifiers[index] as string;
    if (!isIdentifierValue(fields[field])) throw new InvalidObjectError(`${schema.type}: identifier '${field}' is ${typeOf(fields[field])}`);
  }
  for (let index = 0; index < attributes.length; index++) {
    const field = attributes[index] as string;
    assertJson(schema.type, field, fields[field]);
  }
  // Runs on every write: a model without children allocates no Map iterator.
  if (schema.children.size > 0) for (const field of schema.children.values()) assertJson(schema.type, field, fields[field]);
  return schema;
}

/** True for the values an identifier field may hold. */
export function isIdentifierValue(value: unknown): value is IdentifierValue {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/** True when `fields` still holds `values` in the fields named by `names` (same order). */
function sameValues(values: readonly unknown[], fields: Record<string, unknown>, names: readonly string[]): boolean {
  for (let index = 0; index < names.length; index++) {
    if (fields[names[index] as string] !== values[index]) return false;
  }
  return true;
}

function assertJson(type: string, field: string, value: unknown): void {
  // The allocation-free check first; the walk that names the problem only when it fails.
  if (isJsonValue(value)) return;
  const problem = jsonProblem(value, `'${field}'`);
  if (problem !== undefined) throw new InvalidObjectError(`${type}: field ${problem}`);
}

function cloneJson(value: JsonValue | undefined): JsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function typeOf(value: unknown): string {
  return value === null ? "null" : typeof value;
}
