import { SnapshotIOError, StorageUnavailableError, isStowageError } from "@stowage/core";
import { isUnavailableError, type RedisConnection } from "./connection.js";

/** Errors raised by Redis calls (see {@link redisFailure}), as opposed to a write source's own. */
const fromRedis = new WeakSet<object>();

/**
 * Marks `error` as raised by a Redis call, and returns it. The base hands `classify` whatever a
 * primitive threw, a failing write source's error included, which must reach the caller as it is:
 * only marked errors are mapped.
 */
export function redisFailure(error: unknown): unknown {
  if (typeof error === "object" && error !== null) fromRedis.add(error);
  return error;
}

/**
 * The stowage error for a failed Redis call of RedisStorage (its `classify`): no answer within
 * `commandTimeoutMs`, a connection that failed or a server that cannot serve now
 * (`StorageUnavailableError`, `E_UNAVAILABLE`), anything else `SnapshotIOError` (`E_IO`, naming
 * `path` unless it is `""`). The cause is redacted: ioredis errors carry command arguments, AUTH's
 * password among them. Stowage errors, and errors no Redis call raised (a write source's), pass
 * through.
 */
export function toStorageError(error: unknown, path: string, connection: RedisConnection): unknown {
  if (isStowageError(error) || !(typeof error === "object" && error !== null && fromRedis.has(error))) return error;
  const cause = connection.redact(error);
  const detail = connection.redact(error instanceof Error ? error.message : String(error));
  if (connection.isCommandTimeout(error)) {
    return new StorageUnavailableError(`Redis did not answer within ${connection.commandTimeoutMs} ms (commandTimeoutMs)`, { cause });
  }
  if (isUnavailableError(error)) return new StorageUnavailableError(`Redis is unavailable: ${detail}`, { cause });
  return new SnapshotIOError(`Redis failed: ${detail}`, path === "" ? undefined : path, { cause });
}
