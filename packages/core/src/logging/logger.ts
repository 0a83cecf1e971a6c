import { createRequire } from "node:module";
import { StowageError } from "../errors.js";

/**
 * Structured logging for stowage. Silent until {@link enableConsoleLogging} (pino, an optional peer
 * dependency, to stderr) or {@link useLogger} (any logger of the user's) is called. Stores and
 * adapters log through {@link logEvent} at call time (never a logger captured at construction), so
 * enabling logging takes effect on objects that already exist.
 */

/** The levels stowage logs at. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The fields of a structured log event (model type, uid, store name, counts, ...). */
export type LogFields = Record<string, unknown>;

/**
 * What stowage logs through: pino's `Logger` satisfies it as it is, and so does a thin wrapper
 * over any other structured logger. Each method takes the event's fields and a human message.
 */
export interface StowageLogger {
  isLevelEnabled(level: LogLevel): boolean;
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** Where {@link enableConsoleLogging} writes JSON lines: a file stream, a socket, a test's buffer. */
export interface LogDestination {
  write(line: string): unknown;
}

let current: StowageLogger | undefined;

/**
 * Turns on logging to the console (stderr) as JSON lines, one per event, through
 * [pino](https://getpino.io): verbosity 0 logs warnings and errors, 1 adds info, 2 or more adds
 * debug. `destination` replaces stderr. Calling it again replaces the previous setting.
 *
 * pino is an optional peer dependency, so that nothing is installed for logging that is never
 * turned on: `npm install pino` (9 or 10) first.
 *
 * @throws StowageError (`E_CAPABILITY`) when pino cannot be loaded: the message says how to
 *   install it, and the load error is the `cause`. Nothing changes (logging stays as it was).
 */
export function enableConsoleLogging(verbosity = 0, destination?: LogDestination): void {
  const pino = loadPino();
  const level: LogLevel = verbosity >= 2 ? "debug" : verbosity >= 1 ? "info" : "warn";
  current = pino({ level, base: { lib: "stowage" } }, destination ?? pino.destination({ dest: 2, sync: true }));
}

/**
 * Sends stowage's events to `logger` (a pino logger, or any {@link StowageLogger}); `undefined`
 * silences logging again. stowage asks `isLevelEnabled` before building an event's fields.
 */
export function useLogger(logger: StowageLogger | undefined): void {
  current = logger;
}

/** Silences stowage's logging again (the default). */
export function disableLogging(): void {
  current = undefined;
}

/** The logger in force now, or `undefined` while silent; adapters may use it to log their own events. */
export function stowageLogger(): StowageLogger | undefined {
  return current;
}

/** True when events at `level` are logged now: check it before building costly fields. */
export function isLogging(level: LogLevel): boolean {
  return current !== undefined && current.isLevelEnabled(level);
}

/**
 * Logs one structured event: `event` names what happened (`"store.add"`, `"store.remove.missing-child"`),
 * `fields` carry the details, and `message` reads well on a console.
 */
export function logEvent(level: LogLevel, event: string, fields: LogFields, message: string): void {
  if (current === undefined || !current.isLevelEnabled(level)) return;
  current[level]({ event, ...fields }, message);
}

interface PinoFactory {
  (options: { level: LogLevel; base: LogFields }, destination: LogDestination): StowageLogger;
  destination(options: { dest: number; sync: boolean }): LogDestination;
}

function loadPino(): PinoFactory {
  try {
    // Resolved from core's own location, as a dependency of core would be; loaded only on demand.
    const loaded = createRequire(import.meta.url)("pino") as { pino?: PinoFactory } & PinoFactory;
    return loaded.pino ?? loaded;
  } catch (error) {
    throw new StowageError(
      "E_CAPABILITY",
      "console logging needs the optional peer dependency 'pino': install it (npm install pino), or pass your own logger to useLogger()",
      { cause: error },
    );
  }
}
