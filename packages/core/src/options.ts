import { InvalidOptionsError } from "./errors.js";

/**
 * Checks a numeric constructor option: an integer from `min` to `max` (inclusive), else an
 * {@link InvalidOptionsError} naming the option. Returns the value, so it reads as an assignment.
 */
export function integerOption(option: string, value: number, min: number, max: number, owner?: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const reason = max === Number.MAX_SAFE_INTEGER ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`;
    throw new InvalidOptionsError(option, value, reason, owner);
  }
  return value;
}

/** Checks a constructor option that must be a positive integer (a size, a count, a duration). */
export function positiveInteger(option: string, value: number, owner?: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidOptionsError(option, value, "must be a positive integer", owner);
  return value;
}
