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
 * `check` hashes both contents (streamed). Resolves with `copy` or `skip`, and the source entry
 * as last seen (stat'ed when it was). The one place where sync and check finish a decision.
 */
export async function settleVerdict(
  listed: "copy" | "check" | "stat",
  source: SettleSide,
  target: SettleSide | undefined,
  rule: VerdictRule,
): Promise<{ verdict: "copy" | "skip"; source: ListedFile }> {
  if (listed === "stat") {
    const [exact, current] = await Promise.all([exactEntry(source.storage, source.entry), target && exactEntry(target.storage, target.entry)]);
    return { verdict: syncVerdict(exact, current, rule) === "skip" ? "skip" : "copy", source: exact };
  }
  if (listed === "check" && target !== undefined) {
    const [x, y] = await Promise.all([hashFile(source.storage, source.entry.path), hashFile(target.storage, target.entry.path)]);
    return { verdict: x === y ? "skip" : "copy", source: source.entry };
  }
  return { verdict: "copy", source: source.entry };
}

/** `entry` with its real modification time, when its listing only had a stand-in. */
export async function exactEntry(storage: SnapshotStorage, entry: ListedFile): Promise<ListedFile> {
  if (entry.needsStat !== true || !isAdvancedSnapshotStorage(storage)) return entry;
  return storage.stat(entry.path);
}
