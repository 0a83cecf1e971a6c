import type { SyncCompare } from "../storage.js";
import { nsFromDate, withinModifyWindow } from "../mtime-ns.js";
import type { ListedFile } from "../walk.js";

/**
 * What a sync does with one source file, given the target's file at the same relative path:
 * `copy`, `skip`, `check` (only the contents can tell: hash both), or `stat` (the sizes match, and
 * a listing's stand-in time must be replaced by `stat()` before deciding; see
 * {@link FileStat.needsStat}).
 */
export type SyncVerdict = "copy" | "skip" | "check" | "stat";

/** The rule {@link syncVerdict} applies. */
export interface VerdictRule {
  compare: SyncCompare;
  /**
   * Both sides are one kind of backend, so their etags are comparable (Redis' SHA-256 and S3's MD5
   * of the same bytes differ).
   */
  sameKind: boolean;
}

/**
 * Decides, from what two listings say about one file, whether a sync copies it. Pure and
 * synchronous, so every backend, a dry run and a real run decide alike.
 *
 * - No target file: copy. A side without a size (a basic-tier walk): check contents.
 * - Sizes differ: copy, in every mode.
 * - `size`: skip. `checksum`: check.
 * - `auto` (rsync's and rclone's quick check): copy when comparable etags differ; skip when the
 *   modification times differ by less than the coarser `mtimePrecision` of the two sides
 *   (rclone's modify window), compared in nanoseconds where a side keeps them (`mtimeNs`), else
 *   copy, whichever side is newer (a source rolled back to an older
 *   copy must be copied).
 */
export function syncVerdict(source: ListedFile, target: ListedFile | undefined, rule: VerdictRule): SyncVerdict {
  if (target === undefined) return "copy";
  if (source.size === undefined || target.size === undefined) return "check";
  if (source.size !== target.size) return "copy";
  if (rule.compare === "size") return "skip";
  if (rule.compare === "checksum") return "check";
  if (rule.sameKind && source.etag !== undefined && target.etag !== undefined && source.etag !== target.etag) return "copy";
  if (source.needsStat === true || target.needsStat === true) return "stat";
  if (source.mtime === undefined || target.mtime === undefined) return "check";
  const window = Math.max(source.mtimePrecision ?? 1, target.mtimePrecision ?? 1);
  const same = withinModifyWindow(source.mtimeNs ?? nsFromDate(source.mtime), target.mtimeNs ?? nsFromDate(target.mtime), window);
  return same ? "skip" : "copy";
}
