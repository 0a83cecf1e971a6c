import { addAbortSignal, type Readable, type Writable } from "node:stream";
import type { SnapshotStorage } from "@stowage/core";
import { parseLocation, type Location } from "./location.js";
import { startProgress, type Progress } from "./progress.js";
import { StoreSet } from "./stores.js";
import { jsonText } from "./json-text.js";

/** The process around a run of the CLI; tests and embedders can substitute every part. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Aborted when the process is asked to stop (the binary wires SIGINT and SIGTERM to it, with an
   * `Interrupt` error as the reason). Transfers abort their source on it, so the backend's failed
   * write removes its temporary file. Never aborts by default.
   */
  signal: AbortSignal;
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
  /** Whether the command made a stream {@link abortable}, so it fails by itself on an interrupt. */
  #cleansUp = false;

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

  /**
   * `source`, destroyed with the abort reason when {@link CliIo.signal} aborts: the write that
   * consumes it fails, and the backend cleans up what it started.
   */
  abortable<T extends Readable>(source: T): T {
    this.#cleansUp = true;
    return addAbortSignal(this.io.signal, source);
  }

  /**
   * {@link CliIo.signal}, for a command that passes it to an operation that stops by itself when it
   * aborts (a sync), so that the command can report what it did and its backend can clean up.
   */
  abortSignal(): AbortSignal {
    this.#cleansUp = true;
    return this.io.signal;
  }

  /**
   * Rejects with the abort reason once {@link CliIo.signal} aborts, unless the command made a
   * stream {@link abortable}: then the command fails by itself, after its backend cleaned up, and
   * this never settles. Commands with nothing to clean up end at once.
   */
  interrupted(): Promise<never> {
    const signal = this.io.signal;
    return new Promise<never>((_resolve, reject) => {
      const stop = (): void => {
        if (!this.#cleansUp) reject(signal.reason);
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    });
  }

  /** Writes one line of output to stdout. */
  print(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** Writes `value` to stdout as pretty JSON ({@link jsonText}: a BigInt never throws). */
  printJson(value: unknown): void {
    this.io.stdout.write(`${jsonText(value, 2)}\n`);
  }
}
