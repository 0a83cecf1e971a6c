import type { Readable, Writable } from "node:stream";
import type { SnapshotStorage } from "@stowage/core";
import { parseLocation, type Location } from "./location.js";
import { startProgress, type Progress } from "./progress.js";
import { StoreSet } from "./stores.js";

/** The process around a run of the CLI; tests and embedders can substitute every part. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Options every command accepts. */
export interface GlobalOptions {
  /**
   * No progress bars and no summary lines. Errors, and warnings about files a command left
   * uncopied, still go to stderr; output a flag asked for (`--json`, `--list`) still goes to stdout.
   */
  quiet: boolean;
  /** Stack traces and error causes on failure. */
  verbose: boolean;
}

/** What a command needs from the outside world: its streams, its stores and the global options. */
export class CommandContext {
  readonly io: CliIo;
  readonly stores: StoreSet;
  /** Filled in from the command line just before a command's action runs. */
  options: GlobalOptions = { quiet: false, verbose: false };

  constructor(io: CliIo) {
    this.io = io;
    this.stores = new StoreSet({ cwd: io.cwd, env: io.env });
  }

  /** Parses a location argument against the working directory. */
  location(text: string): Location {
    return parseLocation(text, this.io.cwd);
  }

  /**
   * Opens the store of `location`. Only destinations pass `create`: reading from a mistyped local
   * path must fail instead of creating an empty folder there.
   */
  open(location: Location, options: { create?: boolean } = {}): Promise<SnapshotStorage> {
    return this.stores.open(location.store, options);
  }

  /**
   * A progress bar on stderr, drawn only when stderr is a terminal, `--quiet` is off and the
   * command `wanted` it (`total` in bytes, when known).
   */
  progress(label: string, total?: number, wanted = true): Progress {
    const enabled = wanted && this.io.stderr.isTTY === true && !this.options.quiet;
    return startProgress({ enabled, stream: this.io.stderr, label, ...(total === undefined ? {} : { total }) });
  }

  /** Writes one line of output to stdout. */
  print(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** Writes `value` to stdout as pretty JSON. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
