import { formatMtimeSeconds, parseMtimeSeconds } from "@stowage/core";

/**
 * The user-metadata key holding a file's modification time (header `x-amz-meta-mtime`), the one
 * rclone uses, so that stowage and rclone read each other's times.
 */
export const MTIME_METADATA_KEY = "mtime";

/**
 * The user-metadata key of rclone's whole-content MD5 (`X-Amz-Meta-Md5chksum`, base64), which
 * rclone writes on multipart uploads, whose ETag is no MD5 of the content.
 */
export const MD5_METADATA_KEY = "md5chksum";

/**
 * The precision, in ms, of a time read from `mtime` metadata: rclone's form keeps nanoseconds
 * (core's `formatMtimeSeconds`), so the stat says 1 ns and sync compares to the nanosecond.
 */
export const MTIME_METADATA_PRECISION = 0.000001;

/**
 * Reads an `mtime` metadata value written by stowage or rclone, exactly, to the nanosecond
 * (core's `parseMtimeSeconds`: digits, never a float). `undefined` when the value is missing or
 * not such a number.
 */
export function parseMtime(value: string | undefined): bigint | undefined {
  return value === undefined ? undefined : parseMtimeSeconds(value);
}

/**
 * The user metadata that records `ns` (ns since the epoch) as an object's modification time, in
 * rclone's form: decimal seconds, up to 9 fraction digits, trailing zeros trimmed.
 */
export function mtimeMetadata(ns: bigint): Record<string, string> {
  return { [MTIME_METADATA_KEY]: formatMtimeSeconds(ns) };
}
