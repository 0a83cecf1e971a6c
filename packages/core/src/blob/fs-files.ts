import { mkdir, open, rename, rmdir, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { toChunks, type WriteContent } from "./content.js";

/*
 * File helpers for bridges over libraries that keep each key as a file (flydrive's fs driver,
 * unstorage's fs drivers) but write onto the file itself and leave empty folders behind. The
 * bridges write those files in the library's own layout with these, so the library reads them as
 * its own. (The local backend has its own, durable, version: fsync, reflinks, symlink checks.)
 */

/**
 * Streams `content` into `temporaryName` beside `target` (created exclusively) and renames it over
 * `target`, creating the folders above it first: readers see the old content or the new,
 * concurrent writers never interleave, and a source that fails half-way leaves the old file and no
 * temporary one (the source's error is rethrown). A concurrent delete that prunes the folder does
 * not fail it (see `createBeside`). Not fsynced: as durable as the library's own writes.
 *
 * @param target - absolute path of the file to replace
 * @param temporaryName - a file name (no `/`) that the library's listings pass over
 */
export async function replaceFile(target: string, content: WriteContent, temporaryName: string): Promise<void> {
  const temporary = path.join(path.dirname(target), temporaryName);
  const file = await createBeside(temporary);
  try {
    try {
      // One chunk at a time, each written before the next is asked for: a producer may reuse its buffer.
      for await (const chunk of toChunks(content)) await file.write(chunk);
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** How many times {@link createBeside} makes the folder again after a delete pruned it. */
const FOLDER_TRIES = 50;

/**
 * Creates `temporary` exclusively, and the folders above it. A delete in the same folder may prune
 * it (see {@link pruneEmptyFolders}) between the `mkdir` and the `open`, or inside Node's recursive
 * `mkdir` (which then fails with ENOENT): the folder is made again, up to {@link FOLDER_TRIES}
 * times. Once the file exists the folder is not empty, so no prune can take it any more.
 */
async function createBeside(temporary: string): Promise<FileHandle> {
  for (let tries = 1; ; tries++) {
    try {
      await mkdir(path.dirname(temporary), { recursive: true });
      return await open(temporary, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || tries >= FOLDER_TRIES) throw error;
    }
  }
}

/**
 * Removes `dir` and its parents while they are empty, nearest first, stopping below `root` (never
 * removing it) or at the first folder that is not empty or is gone. Folders are implicit in
 * stowage: they go with their last file, so that their name can become a file. `rmdir` removes
 * nothing but an empty folder (and fails on a link), so this can never delete data. The one
 * implementation: the local backend and the fs bridges call it after a delete.
 *
 * @param root - absolute path of the storage root
 * @param dir - absolute path of the folder a deleted file was in, at or below `root`
 */
export async function pruneEmptyFolders(root: string, dir: string): Promise<void> {
  for (let current = dir; current !== root && current.startsWith(root + path.sep); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): its parents are not empty either
    }
  }
}
