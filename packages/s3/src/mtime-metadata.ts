/**
 * The user-metadata key holding a file's modification time (header `x-amz-meta-mtime`), the one
 * rclone uses, so that stowage and rclone read each other's times.
 */
export const MTIME_METADATA_KEY = "mtime";

const MTIME_FORMAT = /^(-?)(\d{1,15})(?:\.(\d+))?$/;

/**
 * Formats a time as rclone's `X-Amz-Meta-Mtime`: seconds since the epoch with a fractional part,
 * kept to the millisecond (`"1700000000.123"`).
 */
export function formatMtime(time: Date): string {
  const ms = time.getTime();
  const whole = Math.abs(ms);
  const seconds = Math.floor(whole / 1000);
  const fraction = String(whole % 1000).padStart(3, "0");
  return `${ms < 0 ? "-" : ""}${seconds}.${fraction}`;
}

/**
 * Reads an `mtime` metadata value written by stowage or rclone (rclone writes nanoseconds; the
 * fraction is cut to the millisecond). Parsed from the digits, not as a float, so that no rounding
 * moves the time. `undefined` when the value is missing or not such a number.
 */
export function parseMtime(value: string | undefined): Date | undefined {
  const match = value === undefined ? null : MTIME_FORMAT.exec(value.trim());
  if (match === null) return undefined;
  const [, sign, seconds, fraction = ""] = match;
  const ms = Number(seconds) * 1000 + Number(fraction.slice(0, 3).padEnd(3, "0"));
  const time = new Date(sign === "-" ? -ms : ms);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** The user metadata that records `time` as an object's modification time. */
export function mtimeMetadata(time: Date): Record<string, string> {
  return { [MTIME_METADATA_KEY]: formatMtime(time) };
}
