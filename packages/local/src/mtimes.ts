import type { BigIntStats } from "node:fs";
import { dateFromNs } from "@stowage/core";

/**
 * Modification times of local files. Read: in nanoseconds (`lstat` with `bigint: true`), reported
 * as `mtimeNs` with `mtime` its floor to the millisecond (core's `dateFromNs`). Written: as
 * `utimes` takes them. Node passes seconds as a float, and libuv truncates
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

/** What a local file can keep of a time given to it: the microsecond, `0.001` ms (see `FileStat.mtimePrecision`). */
export const MTIME_PRECISION = 0.001;

/** The times a listing or `stat` reports for a file or link, from its `lstat` with `bigint: true`. */
export function fileTimes(stats: BigIntStats): { mtime: Date; mtimeNs: bigint; mtimePrecision: number } {
  return { mtime: dateFromNs(stats.mtimeNs), mtimeNs: stats.mtimeNs, mtimePrecision: MTIME_PRECISION };
}
