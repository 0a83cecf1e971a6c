import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { SnapshotNotFoundError } from "@stowage/core";
import { folderState } from "./folders.js";
import { toStowageError } from "./fs-errors.js";
import { readLinkTarget } from "./links.js";

/*
 * Reading files below a root without ever following a symbolic link: the folder chain is checked
 * with one realpath, the last segment is opened with O_NOFOLLOW.
 */

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens the regular file `file` (of `key`) below `root` for reading. Rejects with
 * `SnapshotNotFoundError` when it is missing, a folder, a link, or reached through a link.
 */
export async function openFile(root: string, key: string, file: string): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    if ((await folderState(root, path.dirname(file))) === "present") {
      // O_NOFOLLOW refuses a link as the last segment; O_NONBLOCK keeps a planted FIFO from hanging.
      handle = await open(file, READ_FLAGS);
      if ((await handle.stat()).isFile()) return handle;
    }
  } catch (error) {
    await handle?.close();
    throw toStowageError(error, key, "reading");
  }
  await handle?.close();
  throw new SnapshotNotFoundError(key);
}

/** The file at `file` in chunks of exactly `size` bytes, each a fresh buffer filled straight from the file. */
export async function* fileChunks(handle: FileHandle, size: number, key: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafeSlow(size);
      const filled = await readFull(handle, chunk, key);
      if (filled > 0) yield filled === size ? chunk : chunk.subarray(0, filled);
      if (filled < size) return;
    }
  } finally {
    await handle.close();
  }
}

/** The target of translated link `key` at `link` below `root`, read without following it. */
export async function readLink(root: string, key: string, link: string): Promise<Buffer> {
  try {
    if ((await folderState(root, path.dirname(link))) !== "present") throw new SnapshotNotFoundError(key);
  } catch (error) {
    throw toStowageError(error, key, "reading");
  }
  return readLinkTarget(link, key);
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
async function readFull(handle: FileHandle, buffer: Buffer, key: string): Promise<number> {
  let filled = 0;
  try {
    while (filled < buffer.byteLength) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.byteLength - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw toStowageError(error, key, "reading");
  }
  return filled;
}
