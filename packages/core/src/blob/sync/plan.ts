import { compareKeys } from "../path.js";
import type { FileStat, SyncCompare } from "../storage.js";

/** A file on one side of a sync, keyed relative to that side's prefix. */
export interface SyncEntry extends Omit<FileStat, "path"> {
  /** Path relative to the sync prefix. */
  path: string;
}

/** What a sync will do, each list sorted. `check` lists pairs that only a content hash can decide. */
export interface SyncPlan {
  copy: SyncEntry[];
  skip: SyncEntry[];
  delete: SyncEntry[];
  check: SyncEntry[];
}

/**
 * Decides, from listings alone, which files to copy, skip or delete. Pure and synchronous, so every
 * backend plans identically. With `compare: "checksum"`, same-size pairs land in `check`.
 */
export function planSync(
  source: readonly SyncEntry[],
  target: readonly SyncEntry[],
  options: {
    compare: SyncCompare;
    deleteExtraneous: boolean;
    /**
     * Milliseconds by which a target may look older and still count as up to date under `"auto"`.
     * Default 0; syncs between different kinds of backend need it, because some store times in
     * whole seconds (S3's LastModified): a copy made 0.9 s after its source was written looks older.
     */
    mtimeTolerance?: number;
  },
): SyncPlan {
  const targetByPath = new Map(target.map((entry) => [entry.path, entry]));
  const plan: SyncPlan = { copy: [], skip: [], delete: [], check: [] };
  for (const file of source) {
    const existing = targetByPath.get(file.path);
    targetByPath.delete(file.path);
    plan[decide(file, existing, options.compare, options.mtimeTolerance ?? 0)].push(file);
  }
  if (options.deleteExtraneous) plan.delete.push(...targetByPath.values());
  for (const list of Object.values(plan)) list.sort((a: SyncEntry, b: SyncEntry) => compareKeys(a.path, b.path));
  return plan;
}

function decide(
  source: SyncEntry,
  target: SyncEntry | undefined,
  compare: SyncCompare,
  mtimeTolerance: number,
): "copy" | "skip" | "check" {
  if (target === undefined) return "copy";
  // A negative size means the backend cannot stat: only the content can tell.
  if (source.size < 0 || target.size < 0) return "check";
  if (target.size !== source.size) return "copy";
  switch (compare) {
    case "size":
      return "skip";
    case "checksum":
      return "check";
    case "auto":
      if (source.etag !== undefined && target.etag !== undefined) return source.etag === target.etag ? "skip" : "copy";
      return target.mtime.getTime() + mtimeTolerance >= source.mtime.getTime() ? "skip" : "copy";
  }
}
