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

/** A file opened by {@link openFile}, with its size when it was opened. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens the regular file `file` (of `key`) below `root` for reading. Rejects with
 * `SnapshotNotFoundError` when it is missing, a folder, a link, or reached through a link.
 */
export async function openFile(root: string, key: string, file: string): Promise<OpenedFile> {
  let handle: FileHandle | undefined;
  try {
    if ((await folderState(root, path.dirname(file))) === "present") {
      // O_NOFOLLOW refuses a link as the last segment; O_NONBLOCK keeps a planted FIFO from hanging.
      handle = await open(file, READ_FLAGS);
      const stats = await handle.stat();
      if (stats.isFile()) return { handle, size: stats.size };
    }
  } catch (error) {
    await handle?.close();
    throw toStowageError(error, key, "reading");
  }
  await handle?.close();
  throw new SnapshotNotFoundError(key);
}

/** The smallest buffer a stream read of a small file uses, so that a file growing from empty is not read a few bytes at a time. */
const MIN_STREAM_READ = 16 * 1024;

/**
 * The `highWaterMark` of a read stream over a file of `size` bytes (as opened) for chunks of
 * `chunkSize`: Node allocates a whole one per read, so a 512 B file read with 256 KiB chunks cost
 * 256 KiB; now it costs {@link MIN_STREAM_READ}.
 */
export function streamReadSize(size: number, chunkSize: number): number {
  return Math.min(chunkSize, Math.max(size + 1, MIN_STREAM_READ));
}

/**
 * The file in chunks of exactly `size` bytes (the last one shorter), each a fresh buffer filled
 * straight from the file. A buffer is no larger than what is left of the file as opened, plus one
 * byte to find its end; a file that grew since gets whole chunks again.
 */
export async function* fileChunks({ handle, size: fileSize }: OpenedFile, size: number, key: string): AsyncGenerator<Uint8Array, void, undefined> {
  let left = fileSize;
  try {
    for (;;) {
      const asked = Math.min(size, Math.max(left, 0) + 1);
      let chunk = Buffer.allocUnsafeSlow(asked);
      let filled = await readFull(handle, chunk, key);
      if (filled === asked && asked < size) {
        const whole = Buffer.allocUnsafeSlow(size);
        chunk.copy(whole);
        filled += await readFull(handle, whole.subarray(filled), key);
        chunk = whole;
      }
      left -= filled;
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
