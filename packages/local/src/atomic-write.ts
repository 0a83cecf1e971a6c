import { constants } from "node:fs";
import { lstat, open, rename, rm, rmdir, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { SnapshotConflictError, rechunk, toChunks, type WriteContent } from "@stowage/core";
import { ensureFolder, linkConflict, pruneEmptyFolders, syncFolder } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { tempName } from "./temp-files.js";

/**
 * Atomic replacement of one file: fill a fresh temporary file in the target's own folder (so the
 * rename cannot cross filesystems), fsync it, rename it over the target, fsync the folder. Readers
 * see the old file or the new one, never a mix; on any failure the temporary file is removed and
 * the folders this write created are pruned, so nothing new is listed.
 */

/** Fills the temporary file, open for writing as `handle` at `tempPath`. */
export type Fill = (handle: FileHandle, tempPath: string) => Promise<void>;

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
}

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
/** Writes are batched into blocks this large: few system calls, bounded memory. */
const WRITE_BLOCK = 1024 * 1024;

/** Replaces `target` with what `fill` writes, atomically. */
export async function replaceFile({ root, target, key, durable }: Replacement, fill: Fill): Promise<void> {
  const dir = path.dirname(target);
  const { handle, tempPath } = await createTemp(root, dir, key);
  let open = true;
  try {
    await fill(handle, tempPath);
    if (durable) await handle.sync();
    open = false;
    await handle.close();
    await assertReplaceable(target, key);
    await rename(tempPath, target);
    if (durable) await syncFolder(dir);
  } catch (error) {
    if (open) await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true }).catch(() => undefined);
    await pruneEmptyFolders(root, dir);
    throw error instanceof SourceError ? error.cause : toStowageError(error, key, "writing");
  }
}

/** A {@link Fill} that streams `content` in, batching small chunks into {@link WRITE_BLOCK}s. */
export function writeContent(content: WriteContent): Fill {
  return async (handle) => {
    // rechunk copies small chunks (so a producer may reuse its buffer) and passes big ones through.
    const blocks = rechunk(toChunks(content), WRITE_BLOCK);
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await blocks.next();
        } catch (error) {
          throw new SourceError(error);
        }
        if (next.done === true) return;
        await writeAll(handle, next.value);
      }
    } finally {
      // Stops (and, for a Readable, destroys) the source when the write fails half-way.
      await blocks.return(undefined).catch(() => undefined);
    }
  };
}

/**
 * Makes sure a file may be renamed onto `target`: a folder is a conflict (an empty one, invisible
 * to stowage, is removed), and so is a symbolic link, which stowage never replaces.
 */
export async function assertReplaceable(target: string, key: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(target);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return;
    throw error;
  }
  if (stats.isSymbolicLink()) throw linkConflict(key);
  if (stats.isDirectory()) {
    try {
      await rmdir(target);
    } catch (error) {
      throw new SnapshotConflictError(key, "a folder exists at this path", { cause: error });
    }
  }
}

async function createTemp(root: string, dir: string, key: string): Promise<{ handle: FileHandle; tempPath: string }> {
  // A concurrent delete may prune the folder between its creation and the open: create it again.
  for (let attempt = 0; ; attempt++) {
    await ensureFolder(root, dir, key);
    const tempPath = path.join(dir, tempName());
    try {
      return { handle: await open(tempPath, TEMP_FLAGS, 0o666), tempPath };
    } catch (error) {
      if (errnoOf(error) !== "ENOENT" || attempt >= 3) {
        await pruneEmptyFolders(root, dir); // the folders ensureFolder may just have made
        throw toStowageError(error, key, "writing");
      }
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
