import { CliError, EXIT_CODES } from "./exit-codes.js";

/** The signals that stop a command cleanly, and the exit code of each (128 + signal number). */
const SIGNALS = { SIGINT: EXIT_CODES.interrupted, SIGTERM: EXIT_CODES.terminated } as const;

/** The reason {@link CliIo.signal} is aborted with when the process receives SIGINT or SIGTERM. */
export class Interrupt extends CliError {
  /** The signal received. */
  readonly signal: keyof typeof SIGNALS;

  constructor(signal: keyof typeof SIGNALS) {
    super(`interrupted by ${signal}`, SIGNALS[signal]);
    this.name = "Interrupt";
    this.signal = signal;
  }
}

/**
 * An AbortSignal aborted with an {@link Interrupt} on the first SIGINT or SIGTERM. Each handler is
 * installed once: a second Ctrl-C meets the default action and ends the process at once, for a
 * backend that does not give up.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const signal of Object.keys(SIGNALS) as Array<keyof typeof SIGNALS>) {
    process.once(signal, () => controller.abort(new Interrupt(signal)));
  }
  return controller.signal;
}
