import { standsFor } from "../error-brand.js";
import { StowageError, type StowageErrorCode, type StowageErrorOptions } from "../errors.js";

/**
 * What an object-store error needs to know about a model instance. Structural, so this file does
 * not depend on the model classes.
 */
export interface DescribedObject {
  /** The model type name. */
  getType(): string;
  /** The object's unique id. */
  getUniqueId(): string;
}

/**
 * Every code the object-store errors use; across copies of core, {@link ObjectStoreError} stands
 * for all of them.
 */
const OBJECT_STORE_CODES = [
  "E_OBJECT_STORE",
  "E_OBJECT_NOT_FOUND",
  "E_OBJECT_EXISTS",
  "E_OBJECT_WRONG_TYPE",
  "E_OBJECT_INVALID",
  "E_OBJECT_NOT_CREATED",
  "E_OBJECT_NOT_UPDATED",
  "E_OBJECT_NOT_DELETED",
  "E_DIFF_CLASS_MISMATCH",
] as const satisfies readonly StowageErrorCode[];

/** Base class of every object-store error (the `E_OBJECT_*` codes and `E_DIFF_CLASS_MISMATCH`). */
export class ObjectStoreError extends StowageError {
  static {
    standsFor(this, OBJECT_STORE_CODES);
  }

  constructor(message: string, options?: StowageErrorOptions, code: StowageErrorCode = "E_OBJECT_STORE") {
    super(code, message, options);
  }
}

/** No object of type `modelType` with unique id `uid` is stored (or listed as a child). */
export class ObjectNotFound extends ObjectStoreError {
  static {
    standsFor(this, ["E_OBJECT_NOT_FOUND"]);
  }

  /** The model type name that was looked up. */
  readonly modelType: string;
  /** The unique id that was looked up. */
  readonly uid: string;

  constructor(modelType: string, uid: string, detail = "is not in the store") {
    super(`${nameObject(modelType, uid)} ${detail}`, undefined, "E_OBJECT_NOT_FOUND");
    this.modelType = modelType;
    this.uid = uid;
  }
}

/**
 * A different object with the same type and unique id is already present. `existing` is the one
 * that was already there (undefined when only its uid is known, as for a parent's child list) and
 * `incoming` the one that was refused.
 */
export class ObjectAlreadyExists<T extends DescribedObject = DescribedObject> extends ObjectStoreError {
  static {
    standsFor(this, ["E_OBJECT_EXISTS"]);
  }

  /** The model type name. */
  readonly modelType: string;
  /** The unique id both objects share. */
  readonly uid: string;
  /** The object already stored. */
  readonly existing: T | undefined;
  /** The object that could not be added. */
  readonly incoming: T;

  constructor(existing: T | undefined, incoming: T, detail = "already exists with different data") {
    super(`${nameObject(incoming.getType(), incoming.getUniqueId())} ${detail}`, undefined, "E_OBJECT_EXISTS");
    this.modelType = incoming.getType();
    this.uid = incoming.getUniqueId();
    this.existing = existing;
    this.incoming = incoming;
  }
}

/** An object of one model type was given where another type was expected. */
export class ObjectStoreWrongType extends ObjectStoreError {
  static {
    standsFor(this, ["E_OBJECT_WRONG_TYPE"]);
  }

  constructor(message: string) {
    super(message, undefined, "E_OBJECT_WRONG_TYPE");
  }
}

/**
 * A model declaration, a field value, an identifier or a stored record is invalid. Raised before
 * anything is changed.
 */
export class InvalidObjectError extends ObjectStoreError {
  static {
    standsFor(this, ["E_OBJECT_INVALID"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super(message, options, "E_OBJECT_INVALID");
  }
}

/**
 * Base class of the errors a model's create/update/delete hook raises to refuse a change. Across
 * copies of core it stands for `E_OBJECT_NOT_CREATED`, `E_OBJECT_NOT_UPDATED` and
 * `E_OBJECT_NOT_DELETED`: raise one of its subclasses, not this class, so that every copy sees a
 * CRUD error.
 */
export class ObjectCrudError extends ObjectStoreError {
  static {
    standsFor(this, ["E_OBJECT_NOT_CREATED", "E_OBJECT_NOT_UPDATED", "E_OBJECT_NOT_DELETED"]);
  }
}

/** A model's create hook could not create the object in its system. */
export class ObjectNotCreated extends ObjectCrudError {
  static {
    standsFor(this, ["E_OBJECT_NOT_CREATED"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super(message, options, "E_OBJECT_NOT_CREATED");
  }
}

/** A model's update hook could not update the object in its system. */
export class ObjectNotUpdated extends ObjectCrudError {
  static {
    standsFor(this, ["E_OBJECT_NOT_UPDATED"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super(message, options, "E_OBJECT_NOT_UPDATED");
  }
}

/** A model's delete hook could not delete the object in its system. */
export class ObjectNotDeleted extends ObjectCrudError {
  static {
    standsFor(this, ["E_OBJECT_NOT_DELETED"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super(message, options, "E_OBJECT_NOT_DELETED");
  }
}

/** Two objects or adapters that a diff compares are declared with different model classes. */
export class DiffClassMismatch extends ObjectStoreError {
  static {
    standsFor(this, ["E_DIFF_CLASS_MISMATCH"]);
  }

  constructor(message: string) {
    super(message, undefined, "E_DIFF_CLASS_MISMATCH");
  }
}

/** `device "r1"`: the way every message names an object. */
export function nameObject(modelType: string, uid: string): string {
  return `${modelType} ${JSON.stringify(uid)}`;
}
