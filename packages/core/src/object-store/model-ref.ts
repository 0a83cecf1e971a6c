import { InvalidObjectError } from "./errors.js";
import { isIdentifierValue, schemaOf, type ObjectModel, type AnyModelClass, type IdentifierValue, type IdentifiersOf } from "./model.js";
import type { ModelRegistry } from "./registry.js";
import type { ModelSchema } from "./schema.js";
import { joinUid } from "./uid.js";

/** How a store call names a model type: its type name, its class, or one of its instances. */
export type ModelRef = string | AnyModelClass | ObjectModel;

/** The instances a {@link ModelRef} stands for: the class's instances, or any model for a name. */
export type InstanceOf<M extends ModelRef> = M extends AnyModelClass
  ? InstanceType<M>
  : M extends ObjectModel
    ? M
    : ObjectModel;

/** How a store call names one object of a model type: its uid, or its identifiers object. */
export type IdentifierOf<M extends ModelRef> =
  | string
  | (M extends AnyModelClass
      ? IdentifiersOf<M>
      : M extends ObjectModel
        ? ReturnType<M["getIdentifiers"]>
        : Record<string, IdentifierValue>);

/**
 * Resolves a model reference to its type name and, when one is known, its class. A class or an
 * instance is registered on the way (so the store can later rebuild its instances from JSON).
 */
export function resolveModel(model: ModelRef, registry: ModelRegistry): { type: string; model: AnyModelClass | undefined } {
  if (typeof model === "string") {
    if (model === "") throw new InvalidObjectError("A model type name must be a non-empty string");
    return { type: model, model: registry.find(model) };
  }
  const modelClass = typeof model === "function" ? model : modelClassOf(model);
  const type = schemaOf(modelClass).type;
  // Registered already (every call after the first): one lookup, no registration pass.
  if (registry.find(type) !== modelClass) registry.register(modelClass);
  return { type, model: modelClass };
}

/**
 * The class of a model instance; throws {@link InvalidObjectError} for anything else. Checked by
 * shape (a class carrying a schema, and the model methods), not `instanceof`, so models made with
 * the ESM build of this package are accepted by a store from the CommonJS build and vice versa.
 */
export function modelClassOf(value: unknown): AnyModelClass {
  const ctor: unknown = (value as { constructor?: unknown } | null | undefined)?.constructor;
  const isModel =
    typeof ctor === "function" &&
    typeof (ctor as { schema?: { type?: unknown } }).schema?.type === "string" &&
    typeof (value as Partial<ObjectModel>).toJSON === "function" &&
    typeof (value as Partial<ObjectModel>).getUniqueId === "function";
  if (!isModel) throw new InvalidObjectError(`Expected a model instance, got ${describeValue(value)}`);
  return ctor as AnyModelClass;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object";
}

/**
 * The uid an identifier stands for: a string is the uid itself; an identifiers object is joined
 * in declared order, which needs the model's class. Throws {@link InvalidObjectError} for an
 * identifiers object without a known class, or with missing, extra or invalid values.
 */
export function resolveUid(type: string, model: AnyModelClass | undefined, identifier: unknown): string {
  if (typeof identifier === "string") return identifier;
  if (identifier === null || typeof identifier !== "object" || Array.isArray(identifier)) {
    throw new InvalidObjectError(`${type}: an identifier must be a uid string or an identifiers object`);
  }
  if (model === undefined) {
    throw new InvalidObjectError(
      `${type}: an identifiers object needs the model class to build the uid; pass the class, an instance, or register it`,
    );
  }
  return uidFromIdentifiers(schemaOf(model), identifier as Record<string, unknown>);
}

/**
 * Joins identifier values in declared order, as `getUniqueId` does (`joinUid`: escaped where a
 * value could be mistaken for the separator); rejects missing, unknown or invalid values.
 */
export function uidFromIdentifiers(schema: ModelSchema, identifiers: Record<string, unknown>): string {
  for (const key of Object.keys(identifiers)) {
    if (!schema.identifiers.includes(key)) throw new InvalidObjectError(`${schema.type}: '${key}' is not an identifier`);
  }
  return joinUid(
    schema.identifiers.map((field) => {
      const value = identifiers[field];
      if (!isIdentifierValue(value)) throw new InvalidObjectError(`${schema.type}: identifier '${field}' is missing or invalid`);
      return String(value);
    }),
  );
}
