import { isAdvancedSnapshotStorage } from "../guards.js";
import type { SnapshotStorage } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { hashFile } from "./hash-file.js";
import { syncVerdict, type VerdictRule } from "./verdict.js";

/** Both files of one path, each with its storage; `entry.path` is the full key. */
export interface SettleSide {
  storage: SnapshotStorage;
  entry: ListedFile;
}

/**
 * Finishes a {@link syncVerdict} of `stat` or `check`, which the listings alone could not decide:
 * `stat` asks both sides for their real times (see {@link FileStat.needsStat}) and decides again;
 * `check` compares MD5s, as rclone's `--checksum` does: each side's from its listing
 * ({@link FileStat.md5}) or from the backend's `md5()` (S3 metadata, a local file read), and only a
 * side that has neither is read in full through `read` and hashed (counted in `downloads`).
 * Resolves with `copy` or `skip`, and the source entry as last seen (stat'ed when it was). The one
 * place where sync and check finish a decision.
 */
export async function settleVerdict(
  listed: "copy" | "check" | "stat",
  source: SettleSide,
  target: SettleSide | undefined,
  rule: VerdictRule,
  signal?: AbortSignal,
): Promise<{ verdict: "copy" | "skip"; source: ListedFile; downloads: number }> {
  if (listed === "stat") {
    const [exact, current] = await Promise.all([exactEntry(source.storage, source.entry), target && exactEntry(target.storage, target.entry)]);
    return { verdict: syncVerdict(exact, current, rule) === "skip" ? "skip" : "copy", source: exact, downloads: 0 };
  }
  if (listed === "check" && target !== undefined) {
    const [x, y] = await Promise.all([knownMd5(source, signal), knownMd5(target, signal)]);
    const [a, b] = await Promise.all([x ?? hashFile(source.storage, source.entry.path, "md5", signal), y ?? hashFile(target.storage, target.entry.path, "md5", signal)]);
    const downloads = (x === undefined ? 1 : 0) + (y === undefined ? 1 : 0);
    return { verdict: a === b ? "skip" : "copy", source: source.entry, downloads };
  }
  return { verdict: "copy", source: source.entry, downloads: 0 };
}

/** The MD5 (hex) a side knows without a download: from its listing, else from the backend's `md5()`. */
async function knownMd5(side: SettleSide, signal: AbortSignal | undefined): Promise<string | undefined> {
  if (side.entry.md5 !== undefined) return side.entry.md5;
  const { storage } = side;
  if (!isAdvancedSnapshotStorage(storage) || storage.md5 === undefined) return undefined;
  return storage.md5(side.entry.path, { signal });
}

/** `entry` with its real modification time, when its listing only had a stand-in. */
export async function exactEntry(storage: SnapshotStorage, entry: ListedFile): Promise<ListedFile> {
  if (entry.needsStat !== true || !isAdvancedSnapshotStorage(storage)) return entry;
  return storage.stat(entry.path);
}
