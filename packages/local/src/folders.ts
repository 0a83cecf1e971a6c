import { constants } from "node:fs";
import { lstat, mkdir, open, realpath } from "node:fs/promises";
import path from "node:path";
import { SnapshotConflictError, SnapshotIOError } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";

/**
 * Folder handling under the symlink policy: stowage never follows a symbolic link below its root.
 *
 * A folder counts as usable only when `realpath` of it equals its own path: with a canonical root,
 * that holds exactly when no segment between the root and the folder is a link. One `realpath`
 * call checks the whole chain, so the common case (the folder exists) costs a single system call.
 */

/** What lies at a folder's path, as far as stowage is concerned. */
export type FolderState = "present" | "missing" | "not-a-folder" | "link";

/** Classifies `dir` (an absolute path at or below the canonical `root`). */
export async function folderState(root: string, dir: string): Promise<FolderState> {
  if (dir === root) return "present";
  try {
    // `present` may still be a file; the caller's next call then fails with ENOTDIR.
    return (await realpath(dir)) === dir ? "present" : "link";
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return "missing";
    if (code === "ENOTDIR") return "not-a-folder";
    if (code === "ELOOP") return "link";
    throw error;
  }
}

/**
 * {@link folderState} for a listing, which must never take a missing root for an empty folder: a
 * root moved or unmounted while a sync runs would otherwise read as a tree without files, and the
 * mirror's files would all look extra. Rejects with `SnapshotIOError` (`E_IO`) when `root` is no
 * longer a folder; a missing folder below a present root is simply empty.
 */
export async function listableState(root: string, dir: string): Promise<FolderState> {
  const state = dir === root ? "missing" : await folderState(root, dir);
  if (state !== "missing") return state;
  const rootStats = await lstat(root).catch(() => undefined);
  if (rootStats?.isDirectory() !== true) {
    throw new SnapshotIOError(`The storage root '${root}' is gone (moved or removed while in use): cannot list it`, undefined);
  }
  return dir === root ? "present" : "missing";
}

/**
 * Makes `dir` exist as a real folder below `root`, creating missing segments one at a time so that
 * a link anywhere on the way is found (`mkdir -p` would follow it). Rejects with
 * {@link SnapshotConflictError} for `key` when a segment is a file or a link.
 */
export async function ensureFolder(root: string, dir: string, key: string): Promise<void> {
  const state = await folderState(root, dir);
  if (state === "present") return;
  if (state === "link") throw linkConflict(key);
  if (state === "not-a-folder") throw new SnapshotConflictError(key, "a parent folder is a file");
  // A concurrent prune may remove a folder just created; try the walk again a few times.
  for (let attempt = 0; ; attempt++) {
    try {
      return await createSegments(root, dir, key);
    } catch (error) {
      if (errnoOf(error) !== "ENOENT" || attempt >= 3) throw error;
    }
  }
}

async function createSegments(root: string, dir: string, key: string): Promise<void> {
  let current = root;
  for (const segment of path.relative(root, dir).split(path.sep)) {
    current = path.join(current, segment);
    try {
      await mkdir(current);
    } catch (error) {
      if (errnoOf(error) === "ENOTDIR") throw new SnapshotConflictError(key, "a parent folder is a file", { cause: error });
      if (errnoOf(error) !== "EEXIST") throw error;
      const stats = await lstat(current);
      if (stats.isSymbolicLink()) throw linkConflict(key);
      if (!stats.isDirectory()) throw new SnapshotConflictError(key, "a parent folder is a file");
    }
  }
}

/** The conflict raised when a key's path would pass through (or end at) a symbolic link. */
export function linkConflict(key: string): SnapshotConflictError {
  return new SnapshotConflictError(key, "the path meets a symbolic link, and stowage never follows links");
}


/**
 * Flushes a folder's entries (a rename inside it) to disk. Ignored where folders cannot be fsynced,
 * and for a folder already gone (a concurrent delete pruned it: nothing left to flush).
 */
export async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    await handle.sync();
  } catch (error) {
    if (!["ENOENT", "EINVAL", "EPERM", "EISDIR", "EACCES", "ENOTSUP"].includes(errnoOf(error) ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}
