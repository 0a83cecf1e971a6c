import { CopyThreads } from "./copy-threads.js";
import { TYPE_FILE, TYPE_FOLDER, TYPE_LINK, type ListOutcome, type SystemFailure } from "./copy-worker.js";
import type { DirEntry } from "./tree.js";

/**
 * Folders of a big listing read on a thread (see `copy-worker.ts`'s `ListJob`), their files
 * lstatted there too.
 *
 * A deep listing costs a readdir per folder and an `lstat` per file. On the main thread those
 * calls, and the conversion of readdir's answer into `Dirent`s, are most of a no-op sync's time
 * (on this machine's 100k-file tree, 0.7 s of 1.0 s, two trees walked). rclone spreads its
 * checkers over every core, and rsync walks each side in its own process. Here one thread reads
 * the folders a walk will enter next and stats their files while the main thread sorts, merges
 * and decides; one string of names and a few typed arrays come back per folder.
 *
 * Only big walks whose consumer is fast use it (see `sorted-walk.ts`): a thread's start and each
 * message cost more than a small folder's calls, and a sync that copies or HEADs each file spends
 * far more per file than its lstat. One thread serves every walk of the process: it keeps up with
 * the main thread, and each thread costs memory (its own V8 heap, about 10 MiB). Memory: the
 * folders read ahead.
 */

/** Files per lap of a walk: it starts on the main thread, and decides anew after each lap. */
export const THREAD_AFTER = 2048;
/** The listing thread ends after this long (ms) with nothing to do; the next big walk starts another. */
const IDLE_MS = 2000;
/** The thread's young generation (MiB): it allocates a `BigIntStats` per file (see `CopyThreads`). */
const YOUNG_MB = 4;

let shared: CopyThreads | undefined;
let readsOnThread = 0;

/** Folders read on the listing thread since the process started (for tests). */
export function foldersReadOnThread(): number {
  return readsOnThread;
}

/** A directory entry read on the thread. */
class ThreadEntry implements DirEntry {
  constructor(
    readonly name: string,
    private readonly type: number,
    readonly parentPath: string,
  ) {}

  isFile(): boolean {
    return this.type === TYPE_FILE;
  }

  isDirectory(): boolean {
    return this.type === TYPE_FOLDER;
  }

  isSymbolicLink(): boolean {
    return this.type === TYPE_LINK;
  }
}

/** A folder read on the thread: its entries in readdir order, and what the thread found of each. */
export interface ThreadFolder {
  dirents: DirEntry[];
  outcome: ListOutcome;
}

/**
 * Reads `dir` on the listing thread; `undefined` when the thread died or none can start (the
 * caller reads it itself). Rejects with the system error the thread met, raised again here with its `code`,
 * `syscall` and `path`.
 */
export async function readOnThread(dir: string): Promise<ThreadFolder | undefined> {
  shared ??= new CopyThreads(false, 1, IDLE_MS, YOUNG_MB);
  const threads = shared;
  let outcome: ListOutcome;
  try {
    outcome = await threads.list({ list: dir });
  } catch {
    // A pool whose thread died stays failed: the next read starts a new one. One where no thread
    // could start is kept, so that each later folder is read here without trying again.
    if (shared === threads && !threads.unavailable) shared = undefined;
    return undefined;
  }
  readsOnThread++;
  if (outcome.failed !== undefined) throw systemError(outcome.failed);
  const names = outcome.names.split("\0");
  const dirents: DirEntry[] = new Array<DirEntry>(outcome.types.length);
  for (let i = 0; i < dirents.length; i++) dirents[i] = new ThreadEntry(names[i] as string, outcome.types[i] as number, dir);
  return { dirents, outcome };
}

/** A system error met on the thread, as `fs` would have thrown it here. */
export function systemError(failure: SystemFailure): Error {
  return Object.assign(new Error(failure.message), { code: failure.code, syscall: failure.syscall, path: failure.path });
}
