import { constants, lstatSync } from "node:fs";
import { lutimes, open, rename, rm, rmdir, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { SnapshotConflictError, toChunks, type WriteContent, pruneEmptyFolders } from "@stowage/core";
import { ensureFolder, linkConflict, syncFolder } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { utimeSeconds } from "./mtimes.js";
import { tempName } from "./temp-files.js";

/**
 * Atomic replacement of one file: fill a fresh temporary file in the target's own folder (so the
 * rename cannot cross filesystems), fsync it, rename it over the target, fsync the folder. Readers
 * see the old file or the new one, never a mix; on any failure the temporary file is removed and
 * the folders this write created are pruned, so nothing new is listed.
 */

/**
 * Creates `tempPath` exclusively (it must fail if the path exists), fills it, fsyncs it when
 * `durable`, and closes it. A raw ENOENT means "the folder vanished" and the fill is retried.
 */
export type Fill = (tempPath: string, durable: boolean) => Promise<void>;

/** Where and how to replace. */
export interface Replacement {
  /** The canonical storage root. */
  root: string;
  /** The target file's absolute path (already checked to lie under `root`). */
  target: string;
  /** The target's key, for errors. */
  key: string;
  /** fsync the file before the rename and the folder after it. */
  durable: boolean;
  /**
   * Folders already checked by {@link ensureFolder} during one batch (a sync), so that thousands of
   * files in one folder do not repeat the check. Entries are dropped when a folder turns out gone.
   * When given, the folder is not fsynced here: the batch fsyncs each of these folders once at its end.
   */
  knownFolders?: Set<string>;
}

/** Flags of a temporary file: created here and now, never through a link. */
export const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
/** Chunks smaller than this are batched into blocks of {@link WRITE_BLOCK} bytes. */
const SMALL_CHUNK = 64 * 1024;
const WRITE_BLOCK = 1024 * 1024;
/** Attempts when a concurrent prune removes the folder, or a temp name is taken. */
const ATTEMPTS = 4;

/**
 * Replaces `target` with what `fill` writes, atomically, symlink-proof and (when `durable`) fsynced:
 * the local backend's own write. Not core's `replaceFile`, the bridges' plain temp-and-rename.
 */
export async function replaceDurably(replacement: Replacement, fill: Fill): Promise<void> {
  const { root, target, key, durable } = replacement;
  const dir = path.dirname(target);
  const tempPath = await fillTemp(replacement, dir, fill);
  try {
    await assertReplaceable(target, key);
    await rename(tempPath, target);
    if (durable && replacement.knownFolders === undefined) await syncFolder(dir);
  } catch (error) {
    await discard(root, dir, tempPath);
    throw toStowageError(error, key, "writing");
  }
}

async function fillTemp({ root, key, durable, knownFolders }: Replacement, dir: string, fill: Fill): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    if (knownFolders?.has(dir) !== true) await ensureFolder(root, dir, key);
    const tempPath = path.join(dir, tempName());
    try {
      await fill(tempPath, durable);
      knownFolders?.add(dir); // only now is it known to be a real folder, not a file
      return tempPath;
    } catch (error) {
      const code = errnoOf(error);
      // ENOENT: a concurrent delete pruned the folder; EEXIST: the temporary name was taken.
      const retry = (code === "ENOENT" || code === "EEXIST") && !(error instanceof SourceError) && attempt < ATTEMPTS;
      if (code === "ENOENT") knownFolders?.delete(dir);
      if (retry) continue;
      await discard(root, dir, tempPath);
      throw error instanceof SourceError ? error.cause : toStowageError(error, key, "writing");
    }
  }
}

async function discard(root: string, dir: string, tempPath: string): Promise<void> {
  await rm(tempPath, { force: true }).catch(() => undefined);
  await pruneEmptyFolders(root, dir); // the folders ensureFolder may have made for this write
}

/**
 * A {@link Fill} that streams `content` in (see {@link writeBlocks}) and, when `mtimeNs` is given,
 * sets it (to the microsecond) on the temporary file before the rename, so that the file appears with its time at once.
 */
export function writeContent(content: WriteContent, mtimeNs?: bigint): Fill {
  return async (tempPath, durable) => {
    const handle = await open(tempPath, TEMP_FLAGS, 0o666);
    try {
      // Whole bytes go straight to the file: no block to fill (a 1 MiB allocation per small file).
      if (content instanceof Uint8Array) await writeAll(handle, content);
      else await writeBlocks(handle, content);
      if (mtimeNs !== undefined) {
        const time = utimeSeconds(mtimeNs);
        await handle.utimes(time, time);
      }
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
  };
}

/**
 * Writes every chunk of `content`. Big chunks go straight to the file, each written before the next
 * is pulled (so a producer may reuse its buffer after a yield); small ones are copied into one
 * reused block and written together, so a stream of tiny chunks costs few system calls.
 */
async function writeBlocks(handle: FileHandle, content: WriteContent): Promise<void> {
  const chunks = toChunks(content);
  let block: Buffer | undefined;
  let filled = 0;
  const flush = async (): Promise<void> => {
    if (block !== undefined && filled > 0) await writeAll(handle, block.subarray(0, filled));
    filled = 0;
  };
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new SourceError(error);
      }
      if (next.done === true) break;
      const chunk = next.value;
      if (chunk.byteLength >= SMALL_CHUNK) {
        await flush();
        await writeAll(handle, chunk);
        continue;
      }
      block ??= Buffer.allocUnsafe(WRITE_BLOCK);
      if (filled + chunk.byteLength > block.byteLength) await flush();
      block.set(chunk, filled);
      filled += chunk.byteLength;
    }
    await flush();
  } finally {
    // Stops (and, for a Readable, destroys) the source when the write fails half-way.
    await chunks.return(undefined).catch(() => undefined);
  }
}

/**
 * Finishes a file that is already complete on disk (for fills that do not hold it open): gives it
 * `mtime` (seconds as `utimeSeconds` makes them, when set; also as the access time) and fsyncs it (when `durable`), through one descriptor opened without
 * following a link.
 */
export async function finishFile(file: string, mtime: number | undefined, durable: boolean): Promise<void> {
  if (mtime === undefined && !durable) return;
  // lutimes never follows a link, and costs one call where open, futimes and close cost three.
  if (!durable) return lutimes(file, mtime as number, mtime as number);
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    if (mtime !== undefined) await handle.utimes(mtime, mtime);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure a file may be renamed onto `target`: a folder is a conflict (an empty one, invisible
 * to stowage, is removed), and so is a symbolic link, which stowage never replaces.
 */
export async function assertReplaceable(target: string, key: string): Promise<void> {
  // Synchronous: on a warm cache an lstat takes a microsecond or two, a thread-pool round trip more.
  const stats = lstatSync(target, { throwIfNoEntry: false });
  if (stats === undefined) return;
  if (stats.isSymbolicLink()) throw linkConflict(key);
  if (stats.isDirectory()) {
    try {
      await rmdir(target);
    } catch (error) {
      throw new SnapshotConflictError(key, "a folder exists at this path", { cause: error });
    }
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  // FileHandle.write may write less than asked (a signal, a nearly full disk): loop until done.
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, null);
    offset += bytesWritten;
  }
}

/** Wraps an error thrown by the caller's content, so it is re-thrown unchanged, not mapped. */
class SourceError extends Error {
  constructor(override readonly cause: unknown) {
    super("write content failed");
  }
}
