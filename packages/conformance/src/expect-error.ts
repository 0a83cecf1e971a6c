import assert from "node:assert/strict";
import { InvalidPathError, isStowageError, SnapshotNotFoundError } from "@stowage/core";

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * Runs `action` and returns what it failed with. A synchronous throw counts as a failure only
 * when `allowSyncThrow` is set: the contract's methods return promises and must reject instead.
 */
export async function failureOf(action: () => unknown, what: string, allowSyncThrow = false): Promise<unknown> {
  let pending: unknown;
  try {
    pending = action();
  } catch (error) {
    if (allowSyncThrow) return error;
    assert.fail(`${what} threw synchronously (${describe(error)}); it must return a rejected promise`);
  }
  try {
    await pending;
  } catch (error) {
    return error;
  }
  return assert.fail(`${what} should have failed, but it succeeded`);
}

/**
 * Asserts that `action` rejects with an instance of `type`, and returns the error. For a stowage
 * error class, `instanceof` goes by the error's brand and code (core's `Symbol.hasInstance`), so
 * an adapter that throws errors from another copy of core (its CommonJS build, a bundled copy)
 * passes as one that shares the suite's copy.
 */
export async function expectRejects<E>(
  action: () => unknown,
  type: ErrorClass<E>,
  what: string,
  allowSyncThrow = false,
): Promise<E> {
  const error = await failureOf(action, what, allowSyncThrow);
  assert.ok(error instanceof type, `${what} should fail with ${type.name}, got ${describe(error)}`);
  return error;
}

/** Asserts a `SnapshotNotFoundError` (a `StowageError` with code `E_NOT_FOUND`) naming `path`. */
export async function expectNotFound(action: () => unknown, path: string, what: string): Promise<void> {
  const error = await expectRejects(action, SnapshotNotFoundError, what);
  assert.ok(isStowageError(error, "E_NOT_FOUND"), `${what}: SnapshotNotFoundError must be a StowageError with code E_NOT_FOUND`);
  assert.equal(error.path, path, `${what}: the error's path must be the missing key`);
}

/** Asserts an `InvalidPathError` that carries the rejected value as given. */
export async function expectInvalidPath(action: () => unknown, path: unknown, what: string, allowSyncThrow = false): Promise<void> {
  const error = await expectRejects(action, InvalidPathError, what, allowSyncThrow);
  assert.equal(error.code, "E_INVALID_PATH", `${what}: code`);
  assert.ok(Object.is(error.path, path), `${what}: the error's path must be the rejected value exactly as given`);
}

/** Starts an async iteration and returns its first step, so lazy failures surface. */
export async function firstStep(iterable: AsyncIterable<unknown>): Promise<IteratorResult<unknown>> {
  return iterable[Symbol.asyncIterator]().next();
}

/** True when `error` is `cause` or wraps it somewhere in its `cause` chain. */
export function isOrWraps(error: unknown, cause: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 10; depth++) {
    if (current === cause) return true;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return false;
}

/**
 * A short description of a thrown value for assertion messages; a stowage error's code is shown,
 * and an error that only looks like one (a `code` but no brand) says so.
 */
export function describe(error: unknown): string {
  if (isStowageError(error)) return `${error.name} (${error.code}): ${error.message}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === "string") return `${error.name} (code ${code}, not a stowage error): ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `${typeof error} ${String(error)}`;
}
