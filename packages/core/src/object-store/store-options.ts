import type { AnyModelClass, ObjectModel } from "./model.js";

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
