/**
 * Every error stowage throws is a {@link StowageError}: `code` is stable across releases, `cause`
 * carries the underlying error when one was wrapped, and `instanceof` works across copies of this
 * package (ESM and CommonJS builds, bundled copies), because it goes by a brand and the code (see
 * {@link isStowageError}), not by which copy's class made the error.
 */

import { brand, brandOf, isInstance, standsFor } from "./error-brand.js";

/** Stable machine-readable error codes. New codes may be added; existing ones never change. */
export type StowageErrorCode =
  | "E_NOT_FOUND"
  | "E_INVALID_PATH"
  | "E_CAPABILITY"
  | "E_CONFLICT"
  | "E_UNAVAILABLE"
  | "E_IO"
  | "E_SYNC"
  | "E_OBJECT_STORE"
  | "E_OBJECT_NOT_FOUND"
  | "E_OBJECT_EXISTS"
  | "E_OBJECT_WRONG_TYPE"
  | "E_OBJECT_INVALID"
  | "E_OBJECT_NOT_CREATED"
  | "E_OBJECT_NOT_UPDATED"
  | "E_OBJECT_NOT_DELETED"
  | "E_DIFF_CLASS_MISMATCH"
  | "E_INVALID_OPTIONS"
  | "E_ABORTED"
  | "E_TOO_LARGE";

/** Options accepted by every stowage error constructor. */
export interface StowageErrorOptions {
  /** The error that caused this one, if any. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by stowage packages.
 *
 * Each instance carries its `code` under the registered symbol `Symbol.for("stowage.error")`
 * (non-enumerable), and every class's `instanceof` accepts such a branded error when its code is
 * one the class stands for: `err instanceof SnapshotNotFoundError` holds for an `E_NOT_FOUND` error
 * made by any copy of core, and `err instanceof StowageError` for every branded error. Instances of
 * this copy's classes pass by their prototype chain as ever, whatever their code.
 */
export class StowageError extends Error {
  static {
    standsFor(this, "any");
  }

  /** Stable error code; switch on this rather than on the message. */
  readonly code: StowageErrorCode;

  constructor(code: StowageErrorCode, message: string, options?: StowageErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    brand(this, code);
  }

  /** Prototype chain, or (for an error from another copy of core) the brand and a code this class stands for. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, value);
  }
}

/**
 * True when `value` is a stowage error, made by any copy of core; with `code`, only when it has
 * that code. Goes by the brand, not the class, so a plain `Error` with a matching `code` property
 * is not one.
 *
 * @example
 * ```ts
 * if (isStowageError(err, "E_NOT_FOUND")) console.log(`missing: ${err.message}`);
 * ```
 */
export function isStowageError<C extends StowageErrorCode = StowageErrorCode>(
  value: unknown,
  code?: C,
): value is StowageError & { readonly code: C } {
  const branded = brandOf(value);
  return branded !== undefined && (code === undefined || branded === code);
}

/** Base class of the blob-storage errors; across copies it stands for `E_NOT_FOUND`, `E_INVALID_PATH`, `E_CAPABILITY`, `E_CONFLICT` and `E_IO`. */
export class SnapshotError extends StowageError {
  static {
    standsFor(this, ["E_NOT_FOUND", "E_INVALID_PATH", "E_CAPABILITY", "E_CONFLICT", "E_IO", "E_TOO_LARGE"]);
  }
}

/** A file that an operation needs does not exist. */
export class SnapshotNotFoundError extends SnapshotError {
  static {
    standsFor(this, ["E_NOT_FOUND"]);
  }

  /** The key that was not found. */
  readonly path: string;

  constructor(path: string, options?: StowageErrorOptions) {
    super("E_NOT_FOUND", `No such file: '${path}'`, options);
    this.path = path;
  }
}

/** A key or prefix was rejected before any I/O happened. Nothing was read or changed. */
export class InvalidPathError extends SnapshotError {
  static {
    standsFor(this, ["E_INVALID_PATH"]);
  }

  /** The rejected key, exactly as given (it may not even be a string). */
  readonly path: unknown;
  /** Why it was rejected, in a few words. */
  readonly reason: string;

  constructor(path: unknown, reason: string) {
    super("E_INVALID_PATH", `Invalid path ${describeValue(path)}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** An operation needs the advanced tier but was given a basic-tier backend. */
export class SnapshotStorageCapabilityError extends SnapshotError {
  static {
    standsFor(this, ["E_CAPABILITY"]);
  }

  /** The operation that needed the capability. */
  readonly operation: string;
  /** The backend's name (its constructor name). */
  readonly backend: string;

  /**
   * @param capability - what the operation needs, when it is not the advanced tier (an optional
   *   capability such as signed URLs).
   */
  constructor(operation: string, backend: string, capability?: string) {
    super(
      "E_CAPABILITY",
      capability === undefined
        ? `Operation '${operation}' requires AdvancedSnapshotStorage, but '${backend}' only satisfies SnapshotStorage.`
        : `Operation '${operation}' requires ${capability}, which '${backend}' does not offer.`,
    );
    this.operation = operation;
    this.backend = backend;
  }
}

/**
 * The request contradicts what is stored: a key would be both a file and a folder
 * (writing `a/b` while `a` is a file, or `a` while `a/b` exists).
 */
export class SnapshotConflictError extends SnapshotError {
  static {
    standsFor(this, ["E_CONFLICT"]);
  }

  /** The key that could not be written. */
  readonly path: string;

  constructor(path: string, detail: string, options?: StowageErrorOptions) {
    super("E_CONFLICT", `Conflict at '${path}': ${detail}`, options);
    this.path = path;
  }
}

/**
 * A write's content is larger than a backend that must hold it whole in memory accepts (a bridge
 * over a key-value store without streams buffers each value; see its `maxBufferBytes` option).
 * Raised before anything is written: the old content (or absence) is kept.
 */
export class ContentTooLargeError extends SnapshotError {
  static {
    standsFor(this, ["E_TOO_LARGE"]);
  }

  /** The key that was not written. */
  readonly path: string;
  /** The cap that the content went past, in bytes. */
  readonly limit: number;

  constructor(path: string, limit: number, options?: StowageErrorOptions) {
    super("E_TOO_LARGE", `Content for '${path}' is larger than the ${limit}-byte buffer cap; nothing was written`, options);
    this.path = path;
    this.limit = limit;
  }
}

/** The backend cannot be reached (server down, connection refused, timeout). Retrying may help. */
export class StorageUnavailableError extends StowageError {
  static {
    standsFor(this, ["E_UNAVAILABLE"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super("E_UNAVAILABLE", message, options);
  }
}

/**
 * An operation stopped because its `AbortSignal` was aborted (`options.signal`): `cause` is the
 * signal's reason. What the operation leaves is said where it takes the signal (a sync: every copy
 * already made is whole, none is started after the abort, nothing is deleted).
 */
export class AbortError extends StowageError {
  static {
    standsFor(this, ["E_ABORTED"]);
  }

  constructor(message: string, options?: StowageErrorOptions) {
    super("E_ABORTED", message, options);
  }
}

/** Throws {@link AbortError} (`E_ABORTED`, the signal's reason as `cause`) when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) throw abortErrorOf(signal, what);
}

/** The {@link AbortError} (`E_ABORTED`) of `what`, with the signal's reason as `cause`. */
export function abortErrorOf(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/** Any other failure of the backend (permissions, disk full, ...), with the original as `cause`. */
export class SnapshotIOError extends SnapshotError {
  static {
    standsFor(this, ["E_IO"]);
  }

  /** The key involved, when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string, options?: StowageErrorOptions) {
    super("E_IO", message, options);
    this.path = path;
  }
}

/**
 * A constructor option was rejected before anything was opened or connected. Nothing was changed.
 * (Per-call arguments keep their own errors, e.g. `streamRead`'s `chunkSize` is a `RangeError`.)
 */
export class InvalidOptionsError extends StowageError {
  static {
    standsFor(this, ["E_INVALID_OPTIONS"]);
  }

  /** The option's name, as written in the options object (e.g. `chunkSize`). */
  readonly option: string;
  /** The rejected value, exactly as given. */
  readonly value: unknown;

  /**
   * @param option - the option's name
   * @param value - the rejected value
   * @param reason - what it must be, e.g. `must be a positive integer`
   * @param owner - the class whose constructor rejected it, prefixed to the message
   */
  constructor(option: string, value: unknown, reason: string, owner?: string) {
    const subject = owner === undefined ? "" : `${owner}: `;
    super("E_INVALID_OPTIONS", `${subject}option '${option}' ${reason}, got ${showOption(value)}`);
    this.option = option;
    this.value = value;
  }
}

function showOption(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return describeValue(value);
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  return `of type ${typeof value}`;
}
