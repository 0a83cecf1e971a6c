import { InvalidOptionsError } from "../errors.js";

/**
 * Modification times in nanoseconds, written once here for every backend.
 *
 * The public API keeps `mtime: Date` (milliseconds) and adds an optional `mtimeNs: bigint`, because
 * filesystems keep nanoseconds and rclone writes them into S3 metadata: a tree that rclone synced
 * must be a no-op for stowage, and the reverse (rclone's modify window is 1 ns). `mtime` is always
 * the floor of `mtimeNs`, also before 1970, so that two backends that keep different precisions
 * still agree on the millisecond.
 */

const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1_000_000_000n;

/** Floor division of bigints (BigInt `/` truncates toward zero, which is wrong before 1970). */
function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor !== 0n && value < 0n !== divisor < 0n ? quotient - 1n : quotient;
}

/** Nanoseconds since the epoch of a `Date` (whole milliseconds). */
export function nsFromDate(date: Date): bigint {
  return BigInt(date.getTime()) * NS_PER_MS;
}

/** The `Date` of a time in nanoseconds: its floor to the millisecond, also before 1970. */
export function dateFromNs(ns: bigint): Date {
  return new Date(Number(floorDiv(ns, NS_PER_MS)));
}

/**
 * A file's modification time in nanoseconds: its `mtimeNs` where the backend kept one, else its
 * `mtime` in whole milliseconds.
 */
export function mtimeNsOf(stat: { mtime: Date; mtimeNs?: bigint | undefined }): bigint {
  return stat.mtimeNs ?? nsFromDate(stat.mtime);
}

/**
 * The `mtime` and `mtimeNs` a write records, checked once for every backend: `mtime` must be a
 * valid `Date`, `mtimeNs` a bigint, and when both are given `mtime` must be the floor of
 * `mtimeNs` to the millisecond. Either alone fills in the other. Throws `InvalidOptionsError`
 * (`E_INVALID_OPTIONS`), naming `backend`, before any I/O.
 */
export function writeTimes(
  mtime: unknown,
  mtimeNs: unknown,
  backend: string,
): { mtime: Date | undefined; mtimeNs: bigint | undefined } {
  if (mtime !== undefined && !(mtime instanceof Date && Number.isFinite(mtime.getTime()))) {
    throw new InvalidOptionsError("mtime", mtime, "must be a valid Date", backend);
  }
  if (mtimeNs === undefined) return { mtime, mtimeNs: mtime === undefined ? undefined : nsFromDate(mtime) };
  if (typeof mtimeNs !== "bigint") throw new InvalidOptionsError("mtimeNs", mtimeNs, "must be a bigint of nanoseconds since 1970", backend);
  const floor = dateFromNs(mtimeNs);
  if (!Number.isFinite(floor.getTime())) throw new InvalidOptionsError("mtimeNs", mtimeNs, "is outside the range of a Date", backend);
  if (mtime !== undefined && mtime.getTime() !== floor.getTime()) {
    throw new InvalidOptionsError("mtimeNs", mtimeNs, `must fall within the millisecond of mtime (${mtime.toISOString()})`, backend);
  }
  return { mtime: floor, mtimeNs };
}

/**
 * True when two modification times count as equal: they differ by less than `windowMs` (a
 * fraction of a millisecond allowed: `0.001` is 1 µs), or are identical when the window is 0.
 * rclone's modify window, as the sync's quick check applies it.
 */
export function withinModifyWindow(a: bigint, b: bigint, windowMs: number): boolean {
  const window = BigInt(Math.round(windowMs * 1e6));
  const difference = a > b ? a - b : b - a;
  return window === 0n ? difference === 0n : difference < window;
}

/**
 * A time in rclone's `X-Amz-Meta-Mtime` form: decimal seconds since the epoch with up to 9
 * fraction digits, trailing zeros trimmed (`1700000000.123456789`, `1700000000.5`, `1700000000`,
 * `-1.5`). rclone writes and reads this form (its `backend/s3`, Go's `strconv.FormatFloat` of the
 * time in seconds, kept exact here).
 */
export function formatMtimeSeconds(ns: bigint): string {
  const negative = ns < 0n;
  const magnitude = negative ? -ns : ns;
  const seconds = magnitude / NS_PER_SECOND;
  const fraction = (magnitude % NS_PER_SECOND).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${seconds}${fraction === "" ? "" : `.${fraction}`}`;
}

const SECONDS = /^(-?)(\d{1,15})(?:\.(\d{1,9})\d*)?$/;

/**
 * The inverse of {@link formatMtimeSeconds}, exact (no floating point): decimal seconds with an
 * optional fraction, of which the first 9 digits are kept (rclone's and Go's nanosecond limit).
 * Returns `undefined` for text that is not such a number, so that a foreign or damaged value falls
 * back to the object's upload time.
 */
export function parseMtimeSeconds(text: string): bigint | undefined {
  const match = SECONDS.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction = ""] = match;
  const ns = BigInt(whole!) * NS_PER_SECOND + BigInt(fraction.padEnd(9, "0"));
  return sign === "-" ? -ns : ns;
}

/**
 * A time in RFC 3339 with 9 fraction digits, UTC (`2026-12-06T23:10:00.123456789Z`), as
 * `rclone lsjson` prints it; for JSON output, where a bigint cannot go.
 */
export function formatRfc3339Ns(ns: bigint): string {
  const floor = dateFromNs(ns);
  const subMs = ns - nsFromDate(floor);
  const iso = floor.toISOString();
  return `${iso.slice(0, -1)}${subMs.toString().padStart(6, "0")}Z`;
}
