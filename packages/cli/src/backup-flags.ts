import { isStowageError, validateBackupSuffix, type SyncBackupDir } from "@stowage/core";
import type { CommandContext } from "./context.js";
import { UsageError } from "./exit-codes.js";
import { folderKey } from "./keys.js";
import type { Location } from "./location.js";

/** `sync`'s backup flags, as commander parses them. */
export interface BackupFlags {
  /** `--backup-dir LOCATION`. */
  backupDir?: string;
  /** `--suffix SUFFIX`. */
  suffix?: string;
  /** `--suffix-keep-extension`. */
  suffixKeepExtension?: boolean;
}

/** Where `--backup-dir` points, and core's `backupDir` options but the storage (opened later). */
export interface BackupTarget {
  location: Location;
  options: Omit<SyncBackupDir, "storage">;
}

/**
 * Reads `--backup-dir`, `--suffix` and `--suffix-keep-extension` before any store is opened:
 * `undefined` without `--backup-dir`. A {@link UsageError} (exit 2) for a suffix without a backup
 * folder (rclone would keep suffixed old versions inside the destination, where the next sync
 * deletes them) and a suffix that cannot end a file name (`/`, `\`, control characters, `..`).
 * Overlap with the source or the destination is `refuseSyncOverlaps`'s.
 */
export function backupFlags(ctx: CommandContext, flags: BackupFlags): BackupTarget | undefined {
  if (flags.backupDir === undefined) {
    if (flags.suffix !== undefined || flags.suffixKeepExtension === true) {
      throw new UsageError(`${flags.suffix === undefined ? "--suffix-keep-extension" : "--suffix"} needs --backup-dir: old versions are kept only in a backup folder`);
    }
    return undefined;
  }
  const location = ctx.location(flags.backupDir);
  let suffix: string;
  try {
    suffix = validateBackupSuffix(flags.suffix ?? "");
  } catch (error) {
    if (!isStowageError(error, "E_INVALID_OPTIONS")) throw error;
    throw new UsageError(`--suffix '${flags.suffix ?? ""}' cannot end a file name: no '/', '\\' or control characters, not dots and spaces alone (Windows drops them, so the old version would be saved over the file itself)`);
  }
  return { location, options: { prefix: folderKey(location), suffix, suffixKeepExtension: flags.suffixKeepExtension === true } };
}
