import { UsageError } from "./exit-codes.js";

/** `--concurrency`'s value as a number: a positive integer, else a usage error (exit 2) quoting it. */
export function concurrencyFlag(text: string): number {
  const concurrency = Number(text);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency must be a positive integer, got '${text}'`);
  }
  return concurrency;
}
