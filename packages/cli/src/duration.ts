import { UsageError } from "./exit-codes.js";

/** Milliseconds per unit a duration argument may use. */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/**
 * Parses a duration argument into milliseconds: one or more `<number><unit>` with units `ms`, `s`,
 * `m`, `h`, `d`, `w` (`1h`, `90m`, `1h30m`, `1.5d`, `0s`). A bare number is refused, not taken as
 * milliseconds or seconds: for `gc --older-than` a misread unit would remove the leftovers of writes
 * still in progress. A tiny strict parser rather than the `ms` package, which reads `60` as 60 ms.
 * Throws {@link UsageError} (exit code 2) naming `option` otherwise.
 */
export function parseDuration(text: string, option: string): number {
  const compact = text.trim().toLowerCase();
  if (!WHOLE.test(compact)) {
    throw new UsageError(`${option} takes a duration with a unit, like 30m, 1h, 2d or 1h30m, got '${text}'`);
  }
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) total += Number(amount) * (UNITS[unit as string] as number);
  return Math.round(total);
}
