import { lstatSync, type Dirent } from "node:fs";
import path from "node:path";
import { SnapshotIOError, type FileStat, type SkippedEntry } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";
import type { LinkMode } from "./links.js";
import { dateFromNs } from "@stowage/core";
import { MTIME_PRECISION } from "./mtimes.js";
import { readdir } from "node:fs/promises";
import { sortEntries, type Entry } from "./tree.js";

/**
 * The deep, sorted, lazy listing behind `streamList` (and so `recursiveList` and sync).
 *
 * Depth first, one folder at a time: each folder is read with its file types, its names are
 * sorted by `compareKeys` with a sub-folder `x` sorting as the string `x/` (every key below it
 * starts with `x/`, so expanding it in that place keeps the whole output sorted), and its files
 * are statted as they are yielded. Memory: one sorted name list per open folder level, plus the
 * folders read ahead.
 *
 * The lstat calls are synchronous: on a warm cache one takes a microsecond or two, and a round
 * trip through libuv's thread pool costs several times that (measured again for this walk, see the
 * README's figures). The readdir calls stay asynchronous and run a few folders ahead of the
 * consumer, so the thread pool reads the next folders while this thread stats and yields files.
 *
 * Links are never followed: only what readdir reports as regular files and real folders is kept
 * (readdir's types come from the directory entry, or from lstat where the filesystem has none).
 */

/** Options of {@link walkSorted}. */
export interface WalkOptions {
  /** Receives entries passed over: links (in `skip` mode), FIFOs, sockets, devices, bad names. */
  onSkip?: ((entry: SkippedEntry) => void) | undefined;
  /** `translate`: a link `x` is listed as the file `x.rclonelink` (see `links.ts`). */
  links: LinkMode;
  /**
   * Sub-folders whose readdir may run ahead of the consumer (default {@link READ_AHEAD}); each
   * holds its folder's names in memory until the walk reaches it.
   */
  readAhead?: number;
  /**
   * Asked with a sub-folder's key before it is read (or read ahead): `false` passes over the
   * whole subtree unread (`streamList`'s `descend`, which a sync's filter uses).
   */
  descend?: ((folderKey: string) => boolean) | undefined;
  /** Asked once before anything is read: `false` means the folder is not there, and the walk yields nothing. */
  present?: (() => Promise<boolean>) | undefined;
}

/** Folder reads in flight ahead of the walk: enough to hide readdir latency, few enough to stay small. */
export const READ_AHEAD = 4;

/** A folder being walked: its sorted entries and the position reached. */
interface Level {
  dir: string;
  key: string;
  entries: Entry[];
  next: number;
}

/**
 * Every addressable file below `dir` (whose key is `folderKey`, `""` for the root), at any depth,
 * in `compareKeys` order, with size and mtime (`mtimeNs`, and `mtime` its floor to the
 * millisecond). `dir` must already be
 * known to be a real folder (checked once by the caller). A file deleted since its folder was read
 * drops out; but a folder that vanished while it was walked (or whose file vanished with it, as
 * when the tree is moved away) rejects with `SnapshotIOError` (`E_IO`): a listing that cannot read
 * a folder is incomplete, never empty, or a sync would take its files as deleted (rclone does the
 * same). Other errors (EACCES, EIO) reject the iteration with the raw system error.
 */
export async function* walkSorted(dir: string, folderKey: string, options: WalkOptions): AsyncGenerator<FileStat, void, undefined> {
  const reader = new FolderReader(options.readAhead ?? READ_AHEAD);
  const translate = options.links === "translate";
  const skip = options.onSkip ?? (() => undefined);
  const descend = options.descend ?? (() => true);
  try {
    if (options.present !== undefined && !(await options.present())) return;
    // A file where the listed folder would be: no folder, so nothing below it.
    const top = await readFolder(dir, folderKey, true);
    const stack: Level[] = [{ dir, key: folderKey, entries: sortEntries(top, folderKey, translate, skip), next: 0 }];
    while (stack.length > 0) {
      const level = stack[stack.length - 1] as Level;
      const entry = level.entries[level.next++];
      if (entry === undefined) {
        stack.pop();
        continue;
      }
      const file = path.join(level.dir, entry.name);
      const key = level.key === "" ? entry.order : `${level.key}/${entry.order}`;
      if (entry.kind === "folder") {
        const childKey = key.slice(0, -1);
        if (!descend(childKey)) continue;
        reader.readAhead(upcomingFolders(level, descend));
        stack.push({ dir: file, key: childKey, entries: sortEntries(await reader.read(file, childKey), childKey, translate, skip), next: 0 });
        continue;
      }
      const stats = lstatSync(file, { bigint: true, throwIfNoEntry: false });
      if (stats === undefined && lstatSync(level.dir, { throwIfNoEntry: false })?.isDirectory() !== true) throw vanished(level.key, undefined);
      const wanted = entry.kind === "link" ? stats?.isSymbolicLink() : stats?.isFile();
      if (stats !== undefined && wanted === true) {
        const mtimeNs = stats.mtimeNs;
        yield { path: key, size: Number(stats.size), mtime: dateFromNs(mtimeNs), mtimeNs, mtimePrecision: MTIME_PRECISION };
      } else if (stats !== undefined) {
        // Replaced since its folder was read (by a link, a FIFO, ...): pass it over all the same.
        skip({ path: key, reason: stats.isSymbolicLink() ? "link" : "special" });
      }
    }
  } finally {
    reader.close();
  }
}

/** The sub-folders of `level` after the one being entered that the walk will enter, in walk order. */
function* upcomingFolders(level: Level, descend: (folderKey: string) => boolean): Generator<{ dir: string; key: string }, void, undefined> {
  for (let i = level.next; i < level.entries.length; i++) {
    const entry = level.entries[i] as Entry;
    if (entry.kind !== "folder") continue;
    const key = (level.key === "" ? entry.order : `${level.key}/${entry.order}`).slice(0, -1);
    if (descend(key)) yield { dir: path.join(level.dir, entry.name), key };
  }
}

/**
 * A folder's entries with their types; a folder that is gone, or a file now, rejects with
 * {@link vanished} (unless `fileMeansEmpty` and a file stands there).
 */
async function readFolder(dir: string, key: string, fileMeansEmpty = false): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (fileMeansEmpty && errnoOf(error) === "ENOTDIR") return [];
    if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") throw vanished(key, error);
    throw error;
  }
}

function vanished(key: string, cause: unknown): SnapshotIOError {
  const name = key === "" ? "the root folder" : `folder '${key}'`;
  return new SnapshotIOError(`Listing failed: ${name} vanished while it was walked, so the listing is incomplete`, key, { cause });
}

/**
 * Folder reads, some started ahead of need. A folder read ahead holds its names until the walk
 * reaches it or the walk ends; at most `limit` are held or in flight at once.
 */
class FolderReader {
  readonly #pending = new Map<string, Promise<Dirent[]>>();

  constructor(private readonly limit: number) {}

  /** The folder's entries; a missing folder, or a file in its place, rejects (see {@link vanished}). */
  read(dir: string, key: string): Promise<Dirent[]> {
    const started = this.#pending.get(dir);
    if (started === undefined) return readFolder(dir, key);
    this.#pending.delete(dir);
    return started;
  }

  /** Starts reading the given folders, in order, while fewer than `limit` are pending. */
  readAhead(folders: Iterable<{ dir: string; key: string }>): void {
    for (const { dir, key } of folders) {
      if (this.#pending.size >= this.limit) return;
      if (this.#pending.has(dir)) continue;
      const reading = readFolder(dir, key);
      reading.catch(() => undefined); // reported when (if) the walk reaches this folder
      this.#pending.set(dir, reading);
    }
  }

  /** Forgets the reads ahead; their results (or errors) are dropped. */
  close(): void {
    this.#pending.clear();
  }
}
