import { InvalidOptionsError } from "../../errors.js";
import { isSnapshotStorage } from "../guards.js";
import { joinKey, normalizePrefix, validateKey } from "../path.js";
import type { SnapshotStorage } from "../storage.js";

/**
 * Where a sync keeps the old version of every target file it overwrites or deletes: rclone's
 * `--backup-dir`, `--suffix` and `--suffix-keep-extension`. See {@link SyncOptions.backupDir}.
 */
export interface SyncBackupDir {
  /** The storage that keeps the old versions: the target itself, or any other storage of either tier. */
  storage: SnapshotStorage;
  /**
   * The backup folder in `storage` (`""`, the default, is its root). Old versions keep their key
   * relative to the sync's target folder: target `dst/a/b.txt` goes to `<prefix>/a/b.txt`.
   */
  prefix?: string;
  /**
   * rclone's `--suffix`: appended to the last segment of every backup key, so that repeated runs
   * with different suffixes (a date) keep every old version: `a/b.txt` with `-2026-11-30` is
   * `a/b.txt-2026-11-30`. A backup key that already exists is replaced, as in rclone. Must not
   * contain `/`, `\`, or control characters, nor be made of dots and spaces alone (`.`, `..`):
   * Windows drops those from the end of a name, so the backup would be the file itself.
   * Default `""`: no suffix.
   */
  suffix?: string;
  /**
   * rclone's `--suffix-keep-extension`: put the suffix before the last segment's extension
   * (`a/b-2026-11-30.txt`), so the backup still opens with the same program. A name whose only dot
   * leads it (`.env`) has no extension here. Default `false`.
   */
  suffixKeepExtension?: boolean;
}

/** A checked {@link SyncBackupDir}: every field set, its folder normalized, its suffix validated. */
export type ResolvedBackupDir = Required<SyncBackupDir>;

/**
 * Checks a sync's {@link SyncOptions.backupDir} before any I/O. Rejects with
 * `InvalidOptionsError` (`E_INVALID_OPTIONS`): a `storage` that is not a storage; a `suffix` that is
 * not a string or would not make a valid key segment. `InvalidPathError` (`E_INVALID_PATH`) for a
 * bad `prefix`. Overlap with the sync's folders (the sync would back up its own backups, or
 * delete them) is checked by place afterwards, with the filter in hand (`refuseSyncOverlap`).
 */
export function resolveBackupDir(backup: SyncBackupDir): ResolvedBackupDir {
  if (backup === null || typeof backup !== "object" || !isSnapshotStorage(backup.storage)) {
    throw new InvalidOptionsError("backupDir.storage", backup?.storage, "must be a SnapshotStorage", "sync");
  }
  const prefix = normalizePrefix(backup.prefix ?? "");
  const suffix = validateBackupSuffix(backup.suffix ?? "");
  const { storage } = backup;
  return { storage, prefix, suffix, suffixKeepExtension: backup.suffixKeepExtension === true };
}

/**
 * The key under which a sync with `backup` ({@link SyncOptions.backupDir}) saves the old version of
 * target file `path` (relative to the sync's target folder): `path` in folder `backup.prefix`,
 * with `backup.suffix` appended to its last segment, or put before that segment's extension with
 * `suffixKeepExtension` (rclone's `SuffixName`): `backupKey({ prefix: "old", suffix: "-1" }, "a/b.txt")`
 * is `old/a/b.txt-1`. Throws `InvalidPathError` for a bad prefix; a sync checks each key with
 * {@link validateKey} before it saves a file there (a suffix can make a segment too long).
 */
export function backupKey(backup: Omit<SyncBackupDir, "storage">, path: string): string {
  return resolvedBackupKey({ prefix: normalizePrefix(backup.prefix ?? ""), suffix: backup.suffix ?? "", suffixKeepExtension: backup.suffixKeepExtension === true }, path);
}

/** {@link backupKey} for a folder {@link resolveBackupDir} has checked already. */
export function resolvedBackupKey(backup: Omit<ResolvedBackupDir, "storage">, path: string): string {
  return joinKey(backup.prefix, suffixed(path, backup.suffix, backup.suffixKeepExtension));
}

function suffixed(path: string, suffix: string, keepExtension: boolean): string {
  if (suffix === "") return path;
  if (!keepExtension) return path + suffix;
  const segmentStart = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  if (dot <= segmentStart) return path + suffix;
  return path.slice(0, dot) + suffix + path.slice(dot);
}

/**
 * Checks a {@link SyncBackupDir.suffix} and returns it: text that can end a key segment (no `/`,
 * `\`, control characters or lone surrogates) and is not dots and spaces alone (`..`), or `""`.
 * Else `InvalidOptionsError` (`E_INVALID_OPTIONS`).
 */
export function validateBackupSuffix(suffix: unknown): string {
  if (suffix === "") return suffix;
  let valid = typeof suffix === "string" && !suffix.includes("/") && !/^[. ]+$/.test(suffix);
  try {
    if (valid) validateKey(`x${suffix as string}`);
  } catch {
    valid = false;
  }
  if (!valid) throw new InvalidOptionsError("backupDir.suffix", suffix, "must be text that can end a key segment (no '/', '\\' or control characters, not dots and spaces alone)", "sync");
  return suffix as string;
}
