import { lstatSync, type Dirent } from "node:fs";
import path from "node:path";
import { SnapshotIOError, type FileStat, type SkippedEntry } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";
import type { LinkMode } from "./links.js";
import { dateFromNs } from "@stowage/core";
import { MTIME_PRECISION } from "./mtimes.js";
import { readdir } from "node:fs/promises";
import { sortEntries, type DirEntry, type Entry } from "./tree.js";
import { readOnThread, systemError, THREAD_AFTER } from "./thread-listing.js";
import { STAT_FAILED, STAT_FILE, STAT_LINK, STAT_MISSING, STAT_OTHER, type ListOutcome } from "./copy-worker.js";

/**
 * The deep, sorted, lazy listing behind `streamList` (and so `recursiveList` and sync).
 *
 * Depth first, one folder at a time: each folder is read with its file types, its names are
 * sorted by `compareKeys` with a sub-folder `x` sorting as the string `x/` (every key below it
 * starts with `x/`, so expanding it in that place keeps the whole output sorted), and its files
 * are statted as they are yielded. Memory: one sorted name list per open folder level, plus the
 * folders read ahead.
 *
 * A small walk's lstat calls are synchronous: on a warm cache one takes a microsecond or two, and
 * a round trip through libuv's thread pool costs several times that (measured again for this walk,
 * see the README's figures). Its readdir calls stay asynchronous and run a few folders ahead of
 * the consumer, so the thread pool reads the next folders while this thread stats and yields
 * files. A big walk reads its folders and stats their files on the listing thread instead (see
 * `thread-listing.ts`), further ahead, so that both cores work.
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
   * Asked with a sub-folder's key before it is read (or read ahead): `false` passes over the
   * whole subtree unread (`streamList`'s `descend`, which a sync's filter uses).
   */
  descend?: ((folderKey: string) => boolean) | undefined;
  /** Asked once before anything is read: `false` means the folder is not there, and the walk yields nothing. */
  present?: (() => Promise<boolean>) | undefined;
  /**
   * Files per batch at most. 1 keeps each file's lstat (on the main thread) until the consumer
   * asks for it, so a file deleted before then drops out, as `streamList` promises; a sync,
   * which reads listings ahead anyway, takes 256.
   */
  batch: number;
}

/** Folder reads in flight ahead of the walk: enough to hide readdir latency, few enough to stay small. */
const READ_AHEAD = 4;
/**
 * The same once folders are read on the listing thread: each read waits its turn there, behind
 * the other walk's, so more must be asked ahead (measured on 100k files in 1,000 folders: 16 ahead
 * took 0.95 s, 32 ahead 0.77 s, 64 ahead 0.82 s).
 */
const THREAD_READ_AHEAD = 32;

/** A folder read and sorted, with the entries passed over and, when read on the thread, its files' lstats. */
interface Prepared {
  entries: Entry[];
  skipped: SkippedEntry[];
  listed: ListOutcome | undefined;
}

/** A folder being walked: its sorted entries and the position reached. */
interface Level extends Prepared {
  dir: string;
  key: string;
  next: number;
}

/**
 * Every addressable file below `dir` (whose key is `folderKey`, `""` for the root), at any depth,
 * in `compareKeys` order, with size and mtime (`mtimeNs`, and `mtime` its floor to the
 * millisecond), in batches of up to `options.batch` (a batch also ends where the walk enters a
 * folder, so the consumer has the files before the walk waits). `dir` must already be known to be a real folder
 * (checked once by the caller). A file deleted since its folder was read
 * drops out; but a folder that vanished while it was walked (or whose file vanished with it, as
 * when the tree is moved away) rejects with `SnapshotIOError` (`E_IO`): a listing that cannot read
 * a folder is incomplete, never empty, or a sync would take its files as deleted (rclone does the
 * same). Other errors (EACCES, EIO) reject the iteration with the raw system error.
 *
 * Folders are read and their files lstatted on the listing thread (see `thread-listing.ts`) while
 * the consumer takes files fast, as a no-op sync does; for small walks, and while the consumer is
 * slow (copying, or HEADing each file on S3), here.
 */
export async function* walkSorted(dir: string, folderKey: string, options: WalkOptions): AsyncGenerator<FileStat[], void, undefined> {
  const translate = options.links === "translate";
  const skip = options.onSkip ?? (() => undefined);
  const descend = options.descend ?? (() => true);
  let statted = 0;
  let batch: FileStat[] = [];
  // Folder entries met in the folders read so far, and those of them walked past (entered or not).
  let foldersMet = 0;
  let foldersPassed = 0;
  // Decided afresh every THREAD_AFTER files, by the pace at which the consumer took them and, to
  // take the thread, by how many files are still to come. The walk's own folder reads (started,
  // then awaited) are left out of the pace: they measure the reader (the thread starting, the
  // other walk's reads queued before ours), not the consumer, and counting them made a walk leave
  // the thread it had just taken. A walk on the thread leaves it after two slow laps in a row, not
  // one: a lap can be slow once for reasons of no consumer (a major GC, the thread's start taking
  // the other core), while a copying consumer is slow lap after lap.
  let threaded = false;
  let slowLaps = 0;
  const pace = new Pace(THREAD_AFTER);
  const takeThread = (): boolean => {
    slowLaps = pace.lap() >= WALK_PACE.busyNs ? slowLaps + 1 : 0;
    if (threaded) return slowLaps < 2;
    if (slowLaps > 0) return false;
    // As many files per folder ahead as behind: no cost to know, and right for the broad trees where it matters.
    const ahead = ((foldersMet - foldersPassed) * statted) / (foldersPassed + 1);
    return ahead >= WALK_PACE.minRemaining;
  };
  const prepare = (dirents: readonly DirEntry[], key: string, listed?: ListOutcome): Prepared => {
    const skipped: SkippedEntry[] = [];
    const entries = sortEntries(dirents, key, translate, (entry) => skipped.push(entry));
    return { entries, skipped, listed };
  };
  const read = async (folder: string, key: string): Promise<Prepared> => {
    if (!threaded) return prepare(await readFolder(folder, key), key);
    const onThread = await readOnThread(folder).catch((error: unknown) => {
      throw errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR" ? vanished(key, error) : error;
    });
    // No thread could serve it (one died, or none could start): this folder is read here.
    if (onThread === undefined) return prepare(await readFolder(folder, key), key);
    return prepare(onThread.dirents, key, onThread.outcome);
  };
  const reader = new FolderReader(() => (threaded ? THREAD_READ_AHEAD : READ_AHEAD), read);
  const enter = (prepared: Prepared, folder: string, key: string): Level => {
    prepared.skipped.forEach(skip);
    for (const entry of prepared.entries) if (entry.kind === "folder") foldersMet++;
    return { ...prepared, dir: folder, key, next: 0 };
  };
  try {
    if (options.present !== undefined && !(await options.present())) return;
    // A file where the listed folder would be: no folder, so nothing below it.
    const stack: Level[] = [enter(prepare(await readFolder(dir, folderKey, true), folderKey), dir, folderKey)];
    while (stack.length > 0) {
      const level = stack[stack.length - 1] as Level;
      const entry = level.entries[level.next++];
      if (entry === undefined) {
        stack.pop();
        continue;
      }
      const key = level.key === "" ? entry.order : `${level.key}/${entry.order}`;
      if (entry.kind === "folder") {
        foldersPassed++;
        const childKey = key.slice(0, -1);
        if (!descend(childKey)) continue;
        // The files so far go out before the walk may wait for a folder.
        if (batch.length > 0) {
          yield batch;
          batch = [];
        }
        const readStart = performance.now();
        reader.readAhead(upcomingFolders(level, descend));
        const folder = path.join(level.dir, entry.name);
        const prepared = await reader.read(folder, childKey);
        pace.leaveOut(performance.now() - readStart);
        stack.push(enter(prepared, folder, childKey));
        continue;
      }
      if (++statted % THREAD_AFTER === 0) threaded = takeThread();
      const stat = level.listed === undefined ? statHere(path.join(level.dir, entry.name), level) : statListed(level.listed, entry.at, level);
      if (stat === undefined) continue;
      const wanted = entry.kind === "link" ? stat.kind === STAT_LINK : stat.kind === STAT_FILE;
      if (!wanted) {
        // Replaced since its folder was read (by a link, a FIFO, ...): pass it over all the same.
        skip({ path: key, reason: stat.kind === STAT_LINK ? "link" : "special" });
        continue;
      }
      batch.push({ path: key, size: stat.size, mtime: dateFromNs(stat.mtimeNs), mtimeNs: stat.mtimeNs, mtimePrecision: MTIME_PRECISION });
      if (batch.length === options.batch) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    reader.close();
  }
}

/**
 * When a walk takes the listing thread (tests change both, so that small walks on a loaded machine
 * take it too):
 * - `busyNs`: a consumer slower than this per file (ns) gains nothing from the listing thread,
 *   which would only cost memory: a copying sync takes 70–180 µs per file on a fast machine (more
 *   on a slow one), a local no-op 5–15, and up to 30 in its first laps on a slow machine.
 * - `minRemaining`: fewer files still to come (estimated) do not pay for the thread. Measured on a
 *   no-op sync: its start costs about 35 ms and 14 MiB, and it saves about 2.6 µs per file, so a
 *   10,000-file no-op took 335 ms with it and 298 ms without, a 30,000-file one 467 and 490 ms.
 */
export const WALK_PACE = { busyNs: 50_000, minRemaining: 16_384 };

/** The time per file over each lap of `files` files, less the time left out of it. */
class Pace {
  #start = performance.now();
  #leftOut = 0;

  constructor(private readonly files: number) {}

  /** Leaves `ms` out of the current lap. */
  leaveOut(ms: number): void {
    this.#leftOut += ms;
  }

  /** Ends a lap: its mean time per file (ns). */
  lap(): number {
    const now = performance.now();
    const perFile = ((now - this.#start - this.#leftOut) * 1e6) / this.files;
    this.#start = now;
    this.#leftOut = 0;
    return perFile;
  }
}

/** What a walk needs of one file's lstat; `undefined` when it is gone. */
interface FileLstat {
  kind: number;
  size: number;
  mtimeNs: bigint;
}

/** The lstat of `file`, on this thread. */
function statHere(file: string, level: Level): FileLstat | undefined {
  const stats = lstatSync(file, { bigint: true, throwIfNoEntry: false });
  if (stats === undefined) {
    if (lstatSync(level.dir, { throwIfNoEntry: false })?.isDirectory() !== true) throw vanished(level.key, undefined);
    return undefined;
  }
  const kind = stats.isFile() ? STAT_FILE : stats.isSymbolicLink() ? STAT_LINK : STAT_OTHER;
  return { kind, size: Number(stats.size), mtimeNs: stats.mtimeNs };
}

/** The lstat of the entry read at `at`, as the listing thread found it (see {@link statHere}). */
function statListed(listed: ListOutcome, at: number, level: Level): FileLstat | undefined {
  const kind = listed.kinds[at] as number;
  if (kind === STAT_FAILED) throw systemError(listed.errors.get(at) ?? { message: "lstat failed", path: level.dir });
  if (kind === STAT_MISSING) {
    if (listed.vanished) throw vanished(level.key, undefined);
    return undefined;
  }
  return { kind, size: listed.sizes[at] as number, mtimeNs: listed.mtimes[at] as bigint };
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
  readonly #pending = new Map<string, Promise<Prepared>>();

  constructor(
    private readonly limit: () => number,
    private readonly readPrepared: (dir: string, key: string) => Promise<Prepared>,
  ) {}

  /** The folder's entries, prepared; a missing folder, or a file in its place, rejects (see {@link vanished}). */
  read(dir: string, key: string): Promise<Prepared> {
    const started = this.#pending.get(dir);
    if (started === undefined) return this.readPrepared(dir, key);
    this.#pending.delete(dir);
    return started;
  }

  /** Starts reading the given folders, in order, while fewer than `limit` are pending. */
  readAhead(folders: Iterable<{ dir: string; key: string }>): void {
    const limit = this.limit();
    for (const { dir, key } of folders) {
      if (this.#pending.size >= limit) return;
      if (this.#pending.has(dir)) continue;
      const reading = this.readPrepared(dir, key);
      reading.catch(() => undefined); // reported when (if) the walk reaches this folder
      this.#pending.set(dir, reading);
    }
  }

  /** Forgets the reads ahead; their results (or errors) are dropped. */
  close(): void {
    this.#pending.clear();
  }
}
