import { pino, type DestinationStream, type Logger } from "pino";

/**
 * Structured logging for stowage, built on pino. Silent until {@link enableConsoleLogging} is
 * called. Stores and adapters log through {@link logEvent} at call time (never a logger captured
 * at construction), so enabling logging takes effect on objects that already exist.
 */

/** The levels stowage logs at. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The fields of a structured log event (model type, uid, store name, counts, ...). */
export type LogFields = Record<string, unknown>;

const silent: Logger = pino({ level: "silent" });
let current: Logger = silent;

/**
 * Turns on logging to the console (stderr) as JSON lines, one per event: verbosity 0 logs
 * warnings and errors, 1 adds info, 2 or more adds debug. `destination` replaces stderr (a file,
 * or a stream a test reads). Calling it again replaces the previous setting.
 */
export function enableConsoleLogging(verbosity = 0, destination?: DestinationStream): void {
  const level: LogLevel = verbosity >= 2 ? "debug" : verbosity >= 1 ? "info" : "warn";
  current = pino({ level, base: { lib: "stowage" } }, destination ?? pino.destination({ dest: 2, sync: true }));
}

/** Silences stowage's logging again (the default). */
export function disableLogging(): void {
  current = silent;
}

/** The logger in force now; adapters may use it to log their own events. */
export function stowageLogger(): Logger {
  return current;
}

/** True when events at `level` are logged now: check it before building costly fields. */
export function isLogging(level: LogLevel): boolean {
  return current.isLevelEnabled(level);
}

/**
 * Logs one structured event: `event` names what happened (`"store.add"`, `"store.remove.missing-child"`),
 * `fields` carry the details, and `message` reads well on a console.
 */
export function logEvent(level: LogLevel, event: string, fields: LogFields, message: string): void {
  if (!current.isLevelEnabled(level)) return;
  current[level]({ event, ...fields }, message);
}
