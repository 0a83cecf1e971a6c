export { run } from "./cli.js";
export type { CliIo, GlobalOptions } from "./context.js";
export { EXIT_CODES, exitCodeOf, CliError, UsageError, type ExitCode } from "./exit-codes.js";
export { parseLocation, parseStore, type Location } from "./location.js";
export { ADAPTERS_ENV, conventionalPackageName, openStorageFromUrl, type StowageAdapterModule } from "./adapters.js";
export type { ListEntry } from "./commands/ls.js";
export type { StatOutput } from "./commands/stat.js";
export type { SyncEventLine, SyncFailureOutput } from "./sync-output.js";
export type { GcOutput } from "./commands/gc.js";
