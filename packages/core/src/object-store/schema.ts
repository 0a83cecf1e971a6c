import { InvalidObjectError } from "./errors.js";
import { jsonProblem, type JsonObject, type JsonValue } from "./json.js";

/**
 * How a model type is declared (see {@link defineModel}).
 *
 * - `type`: the model type name, unique within a store (any non-empty string).
 * - `identifiers`: the fields whose values, joined by `__` in this order, form the unique id.
 * - `attributes`: the fields compared by a diff and updated by a sync.
 * - `children`: child model type -> the field holding the uids of this object's children of that type.
 * - `shortname`: the fields forming the short name; the unique id when omitted.
 * - `defaults`: values of attributes that may be left out when constructing.
 */
export interface ModelDeclaration {
  /** The model type name. */
  readonly type: string;
  /** Identifier fields, in unique-id order. */
  readonly identifiers: readonly string[];
  /** Attribute fields. */
  readonly attributes?: readonly string[];
  /** Child model type -> field holding the child uids. */
  readonly children?: { readonly [childType: string]: string };
  /** Fields forming the short name. */
  readonly shortname?: readonly string[];
  /** Default values of attributes. */
  readonly defaults?: { readonly [field: string]: JsonValue };
}

/** A validated {@link ModelDeclaration}, as the store and the model base class use it. */
export interface ModelSchema {
  /** The model type name. */
  readonly type: string;
  /** Identifier fields, in unique-id order. */
  readonly identifiers: readonly string[];
  /** Attribute fields. */
  readonly attributes: readonly string[];
  /** Child model type -> field holding the child uids, in declaration order. */
  readonly children: ReadonlyMap<string, string>;
  /** Fields forming the short name (empty: the short name is the unique id). */
  readonly shortname: readonly string[];
  /** Default values of attributes. */
  readonly defaults: Readonly<JsonObject>;
  /** Every declared field: identifiers, attributes and child fields. */
  readonly fields: ReadonlySet<string>;
}

const DECLARATION_KEYS = new Set(["type", "identifiers", "attributes", "children", "shortname", "defaults"]);

/**
 * Checks a declaration and returns its schema. Rejects, with {@link InvalidObjectError}: unknown
 * declaration keys, an empty type name, repeated or empty field names, a field that is both an
 * identifier, an attribute or a child field, a field name in `reserved` (names the model class
 * already uses), a shortname or default that names no attribute or identifier, and a default that
 * is not plain JSON.
 */
export function validateDeclaration(declaration: ModelDeclaration, reserved: (field: string) => boolean): ModelSchema {
  if (declaration === null || typeof declaration !== "object") {
    throw new InvalidObjectError("A model declaration must be an object");
  }
  const type = declaration.type;
  if (typeof type !== "string" || type === "") throw new InvalidObjectError("A model declaration needs a non-empty string 'type'");
  const fail = (reason: string): never => {
    throw new InvalidObjectError(`Model '${type}': ${reason}`);
  };
  for (const key of Object.keys(declaration)) {
    if (!DECLARATION_KEYS.has(key)) fail(`unknown declaration key '${key}'`);
  }

  const owner = new Map<string, string>();
  const claim = (field: unknown, role: string): string => {
    if (typeof field !== "string" || field === "") return fail(`${role} field names must be non-empty strings`);
    if (reserved(field)) fail(`field '${field}' is reserved (the model class already has a member of that name)`);
    const previous = owner.get(field);
    if (previous !== undefined) fail(`field '${field}' is declared as both ${previous} and ${role}`);
    owner.set(field, role);
    return field;
  };
  const list = (value: unknown, name: string): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return fail(`'${name}' must be an array of field names`);
    return value;
  };

  const identifiers = list(declaration.identifiers, "identifiers").map((field) => claim(field, "an identifier"));
  const attributes = list(declaration.attributes, "attributes").map((field) => claim(field, "an attribute"));
  const children = new Map<string, string>();
  const childDeclaration: unknown = declaration.children ?? {};
  if (childDeclaration === null || typeof childDeclaration !== "object" || Array.isArray(childDeclaration)) {
    fail("'children' must map child model types to field names");
  }
  for (const [childType, field] of Object.entries(childDeclaration as Record<string, unknown>)) {
    if (childType === "") fail("child model type names must be non-empty");
    children.set(childType, claim(field, "a child field"));
  }

  const shortname = list(declaration.shortname, "shortname").map((field) => {
    if (typeof field !== "string" || (!identifiers.includes(field) && !attributes.includes(field))) {
      fail(`shortname field '${String(field)}' is not an identifier or attribute`);
    }
    return field as string;
  });

  const defaults: JsonObject = {};
  for (const [field, value] of Object.entries(declaration.defaults ?? {})) {
    if (!attributes.includes(field)) fail(`default for '${field}', which is not an attribute`);
    const problem = jsonProblem(value, `default of '${field}'`);
    if (problem !== undefined) fail(problem);
    defaults[field] = value;
  }

  return Object.freeze({
    type,
    identifiers: Object.freeze(identifiers),
    attributes: Object.freeze(attributes),
    children,
    shortname: Object.freeze(shortname),
    defaults: Object.freeze(defaults),
    fields: new Set(owner.keys()),
  });
}
