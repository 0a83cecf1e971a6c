import { lstat, type Stats } from "node:fs";
import type { FileStat } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";
import { visitFolders, type TreeEntry } from "./tree.js";

/**
 * lstat of many files at once, on libuv's thread pool. A no-op sync is nothing but these calls
 * (two per file, one per side): run one at a time on the main thread they leave the other core
 * idle, as `rsync -a` does not (its sender and receiver stat in separate processes). Callback
 * `lstat`, not the promise API, because each call is a few microseconds and a promise per file
 * shows up in profiles.
 */

/**
 * Calls in flight per folder; the walk visits up to 8 folders at once, so a listing keeps up to 32
 * calls queued: enough to keep the thread pool busy for both sides of a sync.
 */
const IN_FLIGHT = 4;

/**
 * Every regular file at any depth below `dir` (key `folderKey`) with its size and mtime, unsorted.
 * Each folder's files are statted as soon as the folder is read, so the calls overlap the walk and
 * no list of every path is held at once. The walk never follows a link, so its keys need no checks.
 */
export async function statTree(dir: string, folderKey: string): Promise<FileStat[]> {
  const found: FileStat[] = [];
  await visitFolders(dir, folderKey, async (contents) => {
    found.push(...(await statFiles(contents.files)));
  });
  return found;
}

/**
 * The size and mtime of each entry that is still a regular file. Entries gone since the walk (or
 * replaced by a link, a folder, ...) drop out; any other error rejects once the calls in flight end.
 * Results keep the order of `files`.
 */
export function statFiles(files: readonly TreeEntry[]): Promise<FileStat[]> {
  return new Promise((resolve, reject) => {
    const found: (FileStat | undefined)[] = new Array(files.length);
    let next = 0;
    let pending = 0;
    let failure: unknown;
    const settle = (): void => {
      if (failure !== undefined) reject(failure);
      else resolve(found.filter((stat): stat is FileStat => stat !== undefined));
    };
    const launch = (): void => {
      while (pending < IN_FLIGHT && next < files.length && failure === undefined) {
        const index = next++;
        const entry = files[index] as TreeEntry;
        pending++;
        lstat(entry.path, (error: NodeJS.ErrnoException | null, stats: Stats) => {
          pending--;
          if (error !== null) {
            const code = errnoOf(error);
            if (code !== "ENOENT" && code !== "ENOTDIR") failure ??= error;
          } else if (stats.isFile()) {
            found[index] = { path: entry.key, size: stats.size, mtime: stats.mtime };
          }
          launch();
          if (pending === 0 && (next >= files.length || failure !== undefined)) settle();
        });
      }
    };
    if (files.length === 0) resolve([]);
    else launch();
  });
}
