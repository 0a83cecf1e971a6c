import { isStowageError } from "../../errors.js";
import { isLogging, logEvent, type LogLevel } from "../../logging/logger.js";
import { backendName } from "../guards.js";
import type { SnapshotStorage } from "../storage.js";
import { layer, method } from "./layer.js";

/** Options of {@link withLogging}. */
export interface LoggingOptions {
  /** The level of the per-call events, failed calls included. Default `"debug"`. */
  level?: LogLevel;
}

/** The calls the layer logs: every promise-returning method of both tiers. */
const LOGGED = ["read", "write", "streamWrite", "list", "delete", "exists", "stat", "md5", "atomicMove", "recursiveList"] as const;

/**
 * The storage with one structured log event per call (OpenDAL's `LoggingLayer`), through the
 * logger set with `useLogger` or `enableConsoleLogging`: event `blob.<method>` with `backend`,
 * `key` (the first argument), `ms` (time to settle; for `read`, until its stream opened) and, on
 * failure, the error's `code`. Keys are logged, content never; messages are stowage's own, which
 * carry no secret. While nothing listens at the level, a call costs one check. Brands and the
 * backend name pass through (see `layer`).
 */
export function withLogging<S extends SnapshotStorage>(storage: S, options: LoggingOptions = {}): S {
  const level = options.level ?? "debug";
  const backend = backendName(storage);
  const logged = (op: string) => {
    const call = method<unknown[], Promise<unknown>>(storage, op);
    return async (...args: unknown[]): Promise<unknown> => {
      if (!isLogging(level)) return call(...args);
      const started = performance.now();
      const key = args[0];
      try {
        const result = await call(...args);
        logEvent(level, `blob.${op}`, { backend, key, ms: elapsed(started) }, `${backend} ${op} '${String(key)}'`);
        return result;
      } catch (error) {
        const code = isStowageError(error) ? error.code : undefined;
        logEvent(level, `blob.${op}`, { backend, key, ms: elapsed(started), code }, `${backend} ${op} '${String(key)}' failed${code ? ` (${code})` : ""}`);
        throw error;
      }
    };
  };
  return layer(storage, Object.fromEntries(LOGGED.map((op) => [op, logged(op)])));
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
