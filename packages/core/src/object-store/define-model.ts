import type { JsonValue } from "./json.js";
import type { Adapter } from "../diff/adapter.js";
import { ObjectModel, type ModelClass, type SyncHookResult } from "./model.js";
import { validateDeclaration, type ModelDeclaration, type ModelSchema } from "./schema.js";

/** The shape of a model's fields: every value is plain JSON. */
export type ModelFieldsShape<F> = { [K in keyof F]: JsonValue };

/** The fields of `F` that hold lists of uids, and so may be child fields. */
export type ChildFieldOf<F> = { [K in keyof F & string]: F[K] extends readonly string[] ? K : never }[keyof F & string];

/** A {@link ModelDeclaration} whose field names are checked against the fields type `F`. */
export interface TypedModelDeclaration<F> {
  /** The model type name. */
  readonly type: string;
  /** Identifier fields, in unique-id order. */
  readonly identifiers: readonly (keyof F & string)[];
  /** Attribute fields. */
  readonly attributes?: readonly (keyof F & string)[];
  /** Child model type -> field holding the child uids. */
  readonly children?: { readonly [childType: string]: ChildFieldOf<F> };
  /** Fields forming the short name. */
  readonly shortname?: readonly (keyof F & string)[];
  /** Default values of attributes. */
  readonly defaults?: { readonly [K in keyof F]?: F[K] };
}

type Ids<D> = D extends { readonly identifiers: readonly (infer K)[] } ? K : never;
type Attrs<D> = D extends { readonly attributes: readonly (infer K)[] } ? K : never;
type ChildFields<D> = D extends { readonly children: infer C } ? C[keyof C] : never;
type Defaulted<D> = D extends { readonly defaults: infer X } ? keyof X : never;
type Only<F, K> = Pick<F, Extract<K, keyof F>>;

/** What the constructor of a model declared by `D` over fields `F` accepts. */
export type ModelInit<F, D> = Only<F, Ids<D> | Exclude<Attrs<D>, Defaulted<D>>> &
  Partial<Only<F, Extract<Attrs<D>, Defaulted<D>> | ChildFields<D>>>;

/** An instance of a model declared by `D` over fields `F`: typed fields and typed methods. */
export type ModelInstance<F, D> = ObjectModel<Only<F, Ids<D>>, Only<F, Attrs<D>>> &
  Readonly<Only<F, Ids<D>>> &
  Only<F, Attrs<D> | ChildFields<D>>;

/** The class `defineModel` returns; extend it to add methods, flags and sync hooks. */
export type DefinedModel<F, D> = ModelClass<ModelInstance<F, D>, ModelInit<F, D>> & {
  /** The validated declaration. */
  readonly schema: ModelSchema;
  /** {@inheritDoc ObjectModel.modelFlags} */
  readonly modelFlags: number;
  /** {@inheritDoc ObjectModel.create} */
  create(adapter: Adapter, ids: Only<F, Ids<D>>, attrs: Partial<Only<F, Attrs<D>>>): SyncHookResult<ModelInstance<F, D>>;
};

/** Every key of `F` that the declaration `D` leaves out; `never` when all are (or `F` is untyped). */
type Undeclared<F, D> = string extends keyof F ? never : Exclude<keyof F, Ids<D> | Attrs<D> | ChildFields<D>>;

/**
 * Declares a model type. Give the fields as a type, then the declaration; the declaration is
 * validated at once (overlapping, reserved or unknown names throw `InvalidObjectError`), and the
 * class's constructor, fields and methods are typed from both:
 *
 * ```ts
 * interface DeviceFields { name: string; site: string; role: string | null; interfaces: string[] }
 * class Device extends defineModel<DeviceFields>()({
 *   type: "device",
 *   identifiers: ["name"],
 *   attributes: ["site", "role"],
 *   children: { interface: "interfaces" },
 *   defaults: { role: null },
 * }) {}
 * const r1 = new Device({ name: "r1", site: "ams" }); // r1.role: string | null
 * ```
 *
 * Every field of `F` must be declared (a type error otherwise), and every declared field must be
 * a key of `F`.
 */
export function defineModel<F extends ModelFieldsShape<F> = Record<string, JsonValue>>() {
  return <const D extends TypedModelDeclaration<F>>(
    declaration: D & ([Undeclared<F, D>] extends [never] ? unknown : { missingFields: Undeclared<F, D> }),
  ): DefinedModel<F, D> => {
    const schema = validateDeclaration(declaration as ModelDeclaration, isReserved);
    class Defined extends ObjectModel {
      static override readonly schema = schema;
    }
    return Defined as unknown as DefinedModel<F, D>;
  };
}

/** Names a field cannot take: members of the model base class, and the sync engine's hook names. */
export function isReserved(field: string): boolean {
  return field in ObjectModel.prototype || field === "__proto__" || SYNC_HOOKS.has(field);
}

const SYNC_HOOKS = new Set(["create", "update", "delete", "adapter"]);
