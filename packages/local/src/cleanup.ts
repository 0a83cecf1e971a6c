import { lstat, unlink } from "node:fs/promises";
import path from "node:path";
import { mapLimit, sortKeys, pruneEmptyFolders } from "@stowage/core";
import { folderState } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { findTempFiles } from "./tree.js";

/** Options of {@link LocalFileSystemBackend.cleanupTempFiles}. */
export interface CleanupOptions {
  /** Only remove temporary files whose last write is older than this many milliseconds. Default 1 hour. */
  olderThan?: number;
  /** Only look below this folder. Default: the whole root. */
  prefix?: string;
  /** Find them, remove nothing: resolves with the paths that would be removed. Default false. */
  dryRun?: boolean;
}

const CLEANUP_CONCURRENCY = 32;

/**
 * Removes the temporary files below `dir` (folder key `folder`) of root `root` that crashed
 * writers left behind, untouched for longer than `olderThan` ms, then prunes the folders they
 * leave empty; resolves with their keys, sorted (with `dryRun`, the keys it would remove).
 */
export async function removeTempFiles(root: string, folder: string, dir: string, olderThan: number, dryRun: boolean): Promise<string[]> {
  if ((await folderState(root, dir)) !== "present") return [];
  const cutoff = Date.now() - olderThan;
  const removed = await mapLimit(await findTempFiles(dir, folder), CLEANUP_CONCURRENCY, async (temp) => {
    try {
      if ((await lstat(temp.path)).mtimeMs > cutoff) return undefined;
      if (dryRun) return temp.key;
      await unlink(temp.path);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return undefined;
      throw toStowageError(error, temp.key, "deleting");
    }
    await pruneEmptyFolders(root, path.dirname(temp.path));
    return temp.key;
  });
  return sortKeys(removed.filter((key): key is string => key !== undefined));
}
