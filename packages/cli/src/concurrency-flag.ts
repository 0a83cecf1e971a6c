import { UsageError } from "./exit-codes.js";

/**
 * A count flag's value (`--concurrency`, `--checkers`) as a number: a positive integer, else a
 * usage error (exit 2) quoting it.
 */
export function concurrencyFlag(text: string, flag = "--concurrency"): number {
  const count = Number(text);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  }
  return count;
}
