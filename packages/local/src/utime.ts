/**
 * Modification times as `utimes` takes them. Node passes seconds as a float, and libuv truncates
 * to the microsecond after a float product that may land just below it (1700000000.123456 s can
 * be stored as …123455): half a microsecond is added, so the stored time is the microsecond meant.
 * Local files keep what Node can write: the microsecond (the nanoseconds below it are lost).
 *
 * `copy-worker.ts` holds a copy of this rule: it runs in a thread from its source text alone.
 */

/** Seconds for `utimes`/`futimes`/`lutimes` that store `ns` (ns since the epoch) to the microsecond, floored. */
export function utimeSeconds(ns: bigint): number {
  const micros = ns / 1000n - (ns < 0n && ns % 1000n !== 0n ? 1n : 0n);
  return (Number(micros) + 0.5) / 1e6;
}

/** {@link utimeSeconds} of a time in milliseconds (a `Date`). */
export function utimeSecondsOfDate(date: Date): number {
  return utimeSeconds(BigInt(date.getTime()) * 1_000_000n);
}
