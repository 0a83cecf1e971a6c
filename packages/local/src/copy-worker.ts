/**
 * The body of a copy thread (see `copy-threads.ts`): each message is a batch of {@link CopyJob}s
 * (copies of local files, or small writes whose bytes came with the job), or of {@link ListJob}s
 * (a listing's readdir and lstats),
 * done one after the other with synchronous calls, answered by one message of
 * {@link CopyOutcome}s. One hop to a thread per batch, instead of the three thread-pool round
 * trips (`copyFile`, `lutimes`, `rename`) a copy costs from the main thread.
 *
 * Each job keeps the promises of the main thread's copy (`copyInto` and `replaceDurably`):
 * - the source is `lstat`ed first; anything but a regular file (a link, a FIFO) is "not found";
 * - the temporary file is created by `copyFileSync` with `COPYFILE_EXCL` (`O_CREAT | O_EXCL`,
 *   which never follows a link) and `COPYFILE_FICLONE` (a reflink where the filesystem has one);
 * - it gets the source's modification time to the microsecond (what `utimes` keeps), through
 *   `lutimes` or, when durable, the descriptor that is then fsynced (opened `O_NOFOLLOW`), with
 *   the rest of its batch's fsyncs in flight at once (see `copyDurably`);
 * - the target may be replaced only when it is not a link or a non-empty folder (an empty folder
 *   is removed, as `assertReplaceable` does), then the temporary file is renamed over it;
 * - on any failure the temporary file is removed; the main thread prunes folders and retries.
 *
 * The function is shipped to the thread as its source text (`String(copyWorker)`), so it must not
 * use anything from its module: it receives `require` and reaches Node's modules through it.
 */

/** A folder to read for a listing, with the lstats of its files and links (see `thread-listing.ts`); `dir` is absolute. */
export interface ListJob {
  list: string;
}

/**
 * What a {@link ListJob} found. `names`: the folder's entries in readdir order, each followed by a
 * NUL (which no name holds: one string clones faster than many). Per entry, in that order:
 * `types` from the directory entry ({@link TYPE_FILE}, {@link TYPE_FOLDER}, {@link TYPE_LINK}, or
 * 0 for anything else), and for a file or link its lstat: `kinds` ({@link STAT_MISSING},
 * {@link STAT_FILE}, {@link STAT_LINK}, {@link STAT_OTHER}; or {@link STAT_FAILED}, its error in
 * `errors`), `sizes` in bytes and `mtimes` in ns since the epoch. `vanished`: the folder itself
 * was gone when a file of it was missing. `failed`: the folder could not be read at all.
 */
export interface ListOutcome {
  names: string;
  types: Uint8Array;
  kinds: Uint8Array;
  sizes: Float64Array;
  mtimes: BigInt64Array;
  vanished: boolean;
  errors: Map<number, SystemFailure>;
  failed?: SystemFailure | undefined;
}

/** A system error as it crosses from a thread: enough to raise it again. */
export interface SystemFailure {
  code?: string | undefined;
  message: string;
  syscall?: string | undefined;
  path: string;
}

/** {@link ListOutcome.types}: a regular file. */
export const TYPE_FILE = 1;
/** {@link ListOutcome.types}: a folder. */
export const TYPE_FOLDER = 2;
/** {@link ListOutcome.types}: a symbolic link. */
export const TYPE_LINK = 3;
/** {@link ListOutcome.kinds}: gone since its folder was read (or not statted: not a file or link). */
export const STAT_MISSING = 0;
/** {@link ListOutcome.kinds}: a regular file. */
export const STAT_FILE = 1;
/** {@link ListOutcome.kinds}: a symbolic link. */
export const STAT_LINK = 2;
/** {@link ListOutcome.kinds}: anything else now (a folder, a FIFO, a socket, a device). */
export const STAT_OTHER = 3;
/** {@link ListOutcome.kinds}: its lstat failed (see {@link ListOutcome.errors}). */
export const STAT_FAILED = 4;

/**
 * One copy, as sent to a thread: of the regular file `from`, or of the `bytes` of a small write
 * (with its `mtimeNs`, if any). Paths are absolute and already checked by the main thread.
 */
export type CopyJob = { from: string; bytes?: undefined; temp: string; to: string } | { from?: undefined; bytes: Uint8Array; mtimeNs: bigint | undefined; temp: string; to: string };

/** What became of one {@link CopyJob}, in the order of the batch. */
export type CopyOutcome =
  | { ok: true }
  | {
      ok: false;
      /**
       * `not-found`: the source is gone or not a regular file. `link` / `folder`: a link, or a
       * folder that is not empty, stands at the target. `fill`: creating or finishing the
       * temporary file failed (ENOENT there means the folder vanished: the caller may retry).
       * `replace`: the rename failed. `no-thread`: no thread could start (a thread limit, no
       * memory, a permission model without workers), so nothing was done: the caller may do the
       * job on its own thread.
       */
      stage: "not-found" | "link" | "folder" | "fill" | "replace" | "no-thread";
      /** The system error's code and message, when there is one. */
      code?: string | undefined;
      message: string;
      syscall?: string | undefined;
    };

/** A batch of jobs posted to a thread: all copies, or all listings (a pool never mixes them in one batch). */
export interface CopyBatch {
  id: number;
  jobs: CopyJob[] | ListJob[];
}

/** A thread's answer to the {@link CopyBatch} of the same `id`: one outcome per job, in order. */
export interface CopyAnswer {
  id: number;
  outcomes: CopyOutcome[] | ListOutcome[];
}

/** Runs in the thread: answers every batch posted to it. */
export function copyWorker(load: (id: string) => unknown): void {
  const fs = load("node:fs") as typeof import("node:fs");
  const { parentPort, workerData } = load("node:worker_threads") as typeof import("node:worker_threads");
  const durable = (workerData as { durable: boolean }).durable;
  const C = fs.constants;
  const COPY_FLAGS = C.COPYFILE_EXCL | C.COPYFILE_FICLONE;
  const OPEN_FLAGS = C.O_RDONLY | (C.O_NOFOLLOW ?? 0);
  // atomic-write.ts's TEMP_FLAGS: created here and now, never through a link.
  const WRITE_FLAGS = C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0);
  type Failure = Extract<CopyOutcome, { ok: false }>;
  const failure = (stage: Failure["stage"], error: unknown): Failure => {
    const { code, message, syscall } = error as { code?: unknown; message?: unknown; syscall?: unknown };
    return {
      ok: false,
      stage,
      code: typeof code === "string" ? code : undefined,
      message: typeof message === "string" ? message : String(error),
      syscall: typeof syscall === "string" ? syscall : undefined,
    };
  };
  const gone = (file: string): boolean => fs.lstatSync(file, { throwIfNoEntry: false }) === undefined;
  // mtimes.ts's utimeSeconds, repeated: this function runs from its source text alone.
  const seconds = (ns: bigint): number => {
    const micros = ns / 1000n - (ns < 0n && ns % 1000n !== 0n ? 1n : 0n);
    return (Number(micros) + 0.5) / 1e6;
  };

  /**
   * Creates `job.temp` with the source's bytes and time. Durable: returns the temporary file's open
   * descriptor, to be fsynced before {@link replace}; otherwise `undefined`. A failure removes it.
   */
  const fill = (job: CopyJob): Failure | number | undefined => {
    if (job.bytes !== undefined) return write(job.bytes, job.mtimeNs, job.temp);
    let stats;
    try {
      stats = fs.lstatSync(job.from, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      return failure("fill", error);
    }
    if (stats?.isFile() !== true) return { ok: false, stage: "not-found", message: "not a regular file" };
    try {
      fs.copyFileSync(job.from, job.temp, COPY_FLAGS);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ENOENT" && gone(job.from)) return { ok: false, stage: "not-found", message: "the source vanished" };
      if (code !== "EEXIST") fs.rmSync(job.temp, { force: true });
      return failure("fill", error);
    }
    const time = seconds(stats.mtimeNs);
    let fd: number | undefined;
    try {
      if (!durable) {
        fs.lutimesSync(job.temp, time, time);
        return undefined;
      }
      fd = fs.openSync(job.temp, OPEN_FLAGS);
      fs.futimesSync(fd, time, time);
      return fd;
    } catch (error) {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(job.temp, { force: true });
      return failure("fill", error);
    }
  };

  /** {@link fill} of a small write: `bytes` into the fresh `temp`, with the time `mtimeNs` when given. */
  const write = (bytes: Uint8Array, mtimeNs: bigint | undefined, temp: string): Failure | number | undefined => {
    let created = false;
    let fd: number | undefined;
    try {
      fd = fs.openSync(temp, WRITE_FLAGS, 0o666);
      created = true;
      // writeSync may write less than asked (a signal, a nearly full disk): loop until done.
      for (let offset = 0; offset < bytes.byteLength; ) offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
      if (mtimeNs !== undefined) fs.futimesSync(fd, seconds(mtimeNs), seconds(mtimeNs));
      if (durable) return fd;
      // Forgotten before it is closed: a failed close is never retried on a number another thread may reuse.
      const open = fd;
      fd = undefined;
      fs.closeSync(open);
      return undefined;
    } catch (error) {
      try {
        if (fd !== undefined) fs.closeSync(fd);
      } catch {
        // The write's own error is the one to report; the file is removed below either way.
      }
      // Not created: nothing of ours to remove (EEXIST: the name is someone else's file).
      if (created) fs.rmSync(temp, { force: true });
      return failure("fill", error);
    }
  };

  /** Renames the filled `job.temp` over `job.to`, unless a link or a non-empty folder stands there. */
  const replace = (job: CopyJob): CopyOutcome => {
    try {
      const target = fs.lstatSync(job.to, { throwIfNoEntry: false });
      if (target?.isSymbolicLink() === true) {
        fs.rmSync(job.temp, { force: true });
        return { ok: false, stage: "link", message: "a link stands at the target" };
      }
      if (target?.isDirectory() === true) {
        try {
          fs.rmdirSync(job.to);
        } catch (error) {
          fs.rmSync(job.temp, { force: true });
          return failure("folder", error);
        }
      }
      fs.renameSync(job.temp, job.to);
      return { ok: true };
    } catch (error) {
      fs.rmSync(job.temp, { force: true });
      return failure("replace", error);
    }
  };

  /**
   * Durable: the batch's files are filled one after the other, and their fsyncs all go to the
   * thread pool at once, so that the disk's journal commits many in one flush (a thread that
   * fsynced each in turn would wait for one commit per file); each file is renamed once its data is
   * on disk, and the batch is answered when the last one is.
   */
  const copyDurably = (jobs: CopyJob[], answer: (outcomes: CopyOutcome[]) => void): void => {
    const outcomes: CopyOutcome[] = new Array<CopyOutcome>(jobs.length);
    let pending = jobs.length;
    const settle = (i: number, outcome: CopyOutcome): void => {
      outcomes[i] = outcome;
      if (--pending === 0) answer(outcomes);
    };
    if (pending === 0) answer(outcomes);
    jobs.forEach((job, i) => {
      const filled = fill(job);
      if (typeof filled !== "number") {
        settle(i, filled ?? { ok: false, stage: "fill", message: "no descriptor to fsync" });
        return;
      }
      fs.fsync(filled, (error) => {
        try {
          fs.closeSync(filled);
        } catch (closing) {
          error ??= closing as NodeJS.ErrnoException;
        }
        if (error === null || error === undefined) return settle(i, replace(job));
        fs.rmSync(job.temp, { force: true });
        settle(i, failure("fill", error));
      });
    });
  };

  // The TYPE_* and STAT_* constants, repeated for the same reason.
  const [TYPE_FILE, TYPE_FOLDER, TYPE_LINK] = [1, 2, 3];
  const [FILE, LINK, OTHER, FAILED] = [1, 2, 3, 4];
  const systemFailure = (error: unknown, path: string): SystemFailure => {
    const { code, message, syscall } = failure("fill", error);
    return { code, message, syscall, path };
  };
  /** Reads `job.list` and lstats its files and links, in readdir order (see {@link ListOutcome}). */
  const list = (job: ListJob): ListOutcome => {
    const dir = job.list;
    let dirents;
    try {
      dirents = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const empty = { names: "", types: new Uint8Array(0), kinds: new Uint8Array(0), sizes: new Float64Array(0), mtimes: new BigInt64Array(0) };
      return { ...empty, vanished: false, errors: new Map(), failed: systemFailure(error, dir) };
    }
    const count = dirents.length;
    const outcome: ListOutcome = {
      names: "",
      types: new Uint8Array(count),
      kinds: new Uint8Array(count),
      sizes: new Float64Array(count),
      mtimes: new BigInt64Array(count),
      vanished: false,
      errors: new Map(),
    };
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    let names = "";
    for (let i = 0; i < count; i++) {
      const dirent = dirents[i] as import("node:fs").Dirent;
      names += `${dirent.name}\0`;
      const type = dirent.isFile() ? TYPE_FILE : dirent.isDirectory() ? TYPE_FOLDER : dirent.isSymbolicLink() ? TYPE_LINK : 0;
      outcome.types[i] = type;
      if (type !== TYPE_FILE && type !== TYPE_LINK) continue;
      const file = prefix + dirent.name;
      let stats;
      try {
        stats = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
      } catch (error) {
        outcome.kinds[i] = FAILED;
        outcome.errors.set(i, systemFailure(error, file));
        continue;
      }
      if (stats === undefined) {
        outcome.vanished ||= fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true;
      } else if (stats.isFile() || stats.isSymbolicLink()) {
        outcome.kinds[i] = stats.isFile() ? FILE : LINK;
        outcome.sizes[i] = Number(stats.size);
        outcome.mtimes[i] = stats.mtimeNs;
      } else outcome.kinds[i] = OTHER;
    }
    outcome.names = names;
    return outcome;
  };

  const copyOne = (job: CopyJob): CopyOutcome => {
    const filled = fill(job);
    return filled === undefined ? replace(job) : typeof filled === "number" ? { ok: false, stage: "fill", message: "unexpected descriptor" } : filled;
  };

  // Durable batches may finish out of order: each answer names its batch.
  parentPort?.on("message", ({ id, jobs }: CopyBatch) => {
    if (jobs[0] !== undefined && "list" in jobs[0]) parentPort.postMessage({ id, outcomes: (jobs as ListJob[]).map(list) } satisfies CopyAnswer);
    else if (durable) copyDurably(jobs as CopyJob[], (outcomes) => parentPort.postMessage({ id, outcomes } satisfies CopyAnswer));
    else parentPort.postMessage({ id, outcomes: (jobs as CopyJob[]).map(copyOne) } satisfies CopyAnswer);
  });
}
