import { isStowageError } from "@stowage/core";

/**
 * The process exit code of each class of failure. Scripts can branch on these: they are stable
 * across releases (new classes may be added with new numbers, existing numbers never change).
 */
export const EXIT_CODES = {
  /** Everything worked. */
  ok: 0,
  /** Anything not covered below (an I/O error of the backend, a bug). */
  failure: 1,
  /**
   * The command line itself is wrong: unknown option, missing argument, malformed URL, or an option
   * the backend refuses, such as a wrong password or a database the server lacks (`E_INVALID_OPTIONS`).
   */
  usage: 2,
  /** A file the command needs does not exist (`E_NOT_FOUND`). */
  notFound: 3,
  /** A key or prefix breaks stowage's key rules (`E_INVALID_PATH`). */
  invalidPath: 4,
  /** The backend lacks a capability the command needs, e.g. `stat` on a basic-tier backend (`E_CAPABILITY`). */
  capability: 5,
  /** The request contradicts what is stored: a key would be both a file and a folder (`E_CONFLICT`). */
  conflict: 6,
  /** The backend cannot be reached: server down, connection refused, timeout (`E_UNAVAILABLE`). Retrying may help. */
  unavailable: 7,
  /** No adapter is installed for the URL's scheme, or its module fails to load. */
  adapterMissing: 8,
  /** A sync could not copy every file; nothing was deleted (`E_SYNC`). */
  syncFailed: 9,
  /**
   * A sync would have deleted more files than `--max-delete` allows, so it deleted none; every copy
   * succeeded (`E_SYNC` with `stage: "max-delete"`).
   */
  maxDelete: 10,
  /** `stowage check` found the two locations different: files only in one, or differing. Nothing failed. */
  differ: 11,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

/** One of the {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * The exit code for an error thrown by a command. Stowage errors are recognised by their brand, so
 * an error from an adapter that carries its own copy of core (a CommonJS plugin, a bundled one)
 * gets the same exit code as one from the CLI's copy.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (!isStowageError(error)) return EXIT_CODES.failure;
  switch (error.code) {
    case "E_NOT_FOUND":
      return EXIT_CODES.notFound;
    case "E_INVALID_PATH":
      return EXIT_CODES.invalidPath;
    case "E_CAPABILITY":
      return EXIT_CODES.capability;
    case "E_CONFLICT":
      return EXIT_CODES.conflict;
    case "E_UNAVAILABLE":
      return EXIT_CODES.unavailable;
    case "E_INVALID_OPTIONS":
      return EXIT_CODES.usage;
    case "E_SYNC":
      return (error as { stage?: unknown }).stage === "max-delete" ? EXIT_CODES.maxDelete : EXIT_CODES.syncFailed;
    default:
      return EXIT_CODES.failure;
  }
}

/** A failure the CLI itself detects (bad usage, missing adapter), carrying its exit code. */
export class CliError extends Error {
  /** The process exit code this error ends the command with. */
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** The command line is wrong (exit code {@link EXIT_CODES.usage}). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.usage);
    this.name = "UsageError";
  }
}
