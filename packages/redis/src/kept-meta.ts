import { contentTypeFor, dateFromNs, type BackendWriteOptions } from "@stowage/core";
import type { BlobMeta } from "./blob-keys.js";

/**
 * The time and type a write records in a file's metadata: the time given, to the nanosecond (`m`
 * the floor in ms, `p` the ns beyond it; the time staging began, `now`, when none was given), and
 * the type given, else the one the key's name implies (`y`, left out when none).
 */
export function keptTimeAndType(key: string, now: number, options: BackendWriteOptions): Pick<BlobMeta, "m" | "p" | "y"> {
  let kept: Pick<BlobMeta, "m" | "p" | "y"> = { m: now, p: 0 };
  if (options.mtimeNs !== undefined) {
    const m = dateFromNs(options.mtimeNs).getTime();
    kept = { m, p: Number(options.mtimeNs - BigInt(m) * 1_000_000n) };
  } else if (options.mtime !== undefined) {
    kept = { m: options.mtime.getTime(), p: 0 };
  }
  const type = options.contentType ?? contentTypeFor(key);
  if (type !== undefined) kept.y = type;
  return kept;
}
