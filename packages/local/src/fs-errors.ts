import {
  SnapshotConflictError,
  SnapshotIOError,
  SnapshotNotFoundError,
  isStowageError,
} from "@stowage/core";

/** The `code` of a Node system error (`"ENOENT"`, ...), or `undefined` for anything else. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Errors that say a file was not there (or could not be, because a parent is not a folder). */
const NOT_FOUND = new Set(["ENOENT", "ENOTDIR", "ELOOP", "EMLINK"]);
/** Errors that say a key would be a file and a folder at once (or would pass through a link). */
const CONFLICT = new Set(["ENOTDIR", "EISDIR", "EEXIST", "ENOTEMPTY", "ELOOP", "EMLINK"]);

/** What an operation was doing when it failed; it decides how ENOENT and friends read. */
export type Operation = "reading" | "listing" | "writing" | "moving" | "deleting";

/**
 * Maps a filesystem error to the stowage error callers can switch on. Reads turn ENOENT/ENOTDIR
 * into {@link SnapshotNotFoundError}; writes and moves turn file-vs-folder clashes into
 * {@link SnapshotConflictError}; everything else (EACCES, ENOSPC, EROFS, EIO, ...) is a
 * {@link SnapshotIOError}. The original error is always kept as `cause`; stowage errors pass through.
 */
export function toStowageError(error: unknown, key: string, operation: Operation): Error {
  if (isStowageError(error)) return error;
  const code = errnoOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && operation === "reading" && NOT_FOUND.has(code)) {
    return new SnapshotNotFoundError(key, { cause: error });
  }
  if (code !== undefined && (operation === "writing" || operation === "moving") && CONFLICT.has(code)) {
    return new SnapshotConflictError(key, `a file and a folder would share this path (${code})`, { cause: error });
  }
  return new SnapshotIOError(`Failed ${operation} '${key}': ${message}`, key, { cause: error });
}
