import { lstatSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import type { FileStat, SkippedEntry } from "@stowage/core";
import type { LinkMode } from "./links.js";
import { readEntries, sortEntries, type Entry } from "./tree.js";

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
 * in `compareKeys` order, with size and mtime (rounded to the millisecond). `dir` must already be
 * known to be a real folder (checked once by the caller); a folder that vanishes mid-walk, or a
 * file gone since its folder was read, simply drops out. Other errors (EACCES, EIO) reject the
 * iteration with the raw system error.
 */
export async function* walkSorted(dir: string, folderKey: string, options: WalkOptions): AsyncGenerator<FileStat, void, undefined> {
  const reader = new FolderReader(options.readAhead ?? READ_AHEAD);
  const translate = options.links === "translate";
  const skip = options.onSkip ?? (() => undefined);
  const descend = options.descend ?? (() => true);
  try {
    const stack: Level[] = [{ dir, key: folderKey, entries: sortEntries(await reader.read(dir), folderKey, translate, skip), next: 0 }];
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
        stack.push({ dir: file, key: childKey, entries: sortEntries(await reader.read(file), childKey, translate, skip), next: 0 });
        continue;
      }
      const stats = lstatSync(file, { throwIfNoEntry: false });
      const wanted = entry.kind === "link" ? stats?.isSymbolicLink() : stats?.isFile();
      if (stats !== undefined && wanted === true) {
        yield { path: key, size: stats.size, mtime: mtimeOf(stats) };
      } else if (stats !== undefined) {
        // Replaced since its folder was read (by a link, a FIFO, ...): pass it over all the same.
        skip({ path: key, reason: stats.isSymbolicLink() ? "link" : "special" });
      }
    }
  } finally {
    reader.close();
  }
}

/** A file's modification time to the millisecond, rounded (futimes stores 0.123 s as 0.122999… s). */
export function mtimeOf(stats: Stats): Date {
  return new Date(Math.round(stats.mtimeMs));
}

/** The sub-folders of `level` after the one being entered that the walk will enter, in walk order. */
function* upcomingFolders(level: Level, descend: (folderKey: string) => boolean): Generator<string, void, undefined> {
  for (let i = level.next; i < level.entries.length; i++) {
    const entry = level.entries[i] as Entry;
    if (entry.kind !== "folder") continue;
    const key = level.key === "" ? entry.order : `${level.key}/${entry.order}`;
    if (descend(key.slice(0, -1))) yield path.join(level.dir, entry.name);
  }
}

/**
 * Folder reads, some started ahead of need. A folder read ahead holds its names until the walk
 * reaches it or the walk ends; at most `limit` are held or in flight at once.
 */
class FolderReader {
  readonly #pending = new Map<string, Promise<Dirent[]>>();

  constructor(private readonly limit: number) {}

  /** The folder's entries (a missing folder, or a file in its place, reads as empty). */
  read(dir: string): Promise<Dirent[]> {
    const started = this.#pending.get(dir);
    if (started === undefined) return readEntries(dir);
    this.#pending.delete(dir);
    return started;
  }

  /** Starts reading the given folders, in order, while fewer than `limit` are pending. */
  readAhead(folders: Iterable<string>): void {
    for (const dir of folders) {
      if (this.#pending.size >= this.limit) return;
      if (this.#pending.has(dir)) continue;
      const reading = readEntries(dir);
      reading.catch(() => undefined); // reported when (if) the walk reaches this folder
      this.#pending.set(dir, reading);
    }
  }

  /** Forgets the reads ahead; their results (or errors) are dropped. */
  close(): void {
    this.#pending.clear();
  }
}
