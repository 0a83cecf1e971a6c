import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pruneEmptyFolders, replaceFile, type WriteContent } from "@stowage/core";
import type { Disk } from "flydrive";

/*
 * What the bridge does differently on flydrive's fs driver, which keeps key `k` as the file
 * `<location>/k`. Its `put`/`putStream` write onto the file itself (two writers interleave, a reader
 * can see half a file, a source that fails half-way leaves half a file), and its `delete` leaves
 * the file's folders behind. So the bridge writes those files itself, in the driver's own layout,
 * streamed through a temporary file and a rename, and removes the folders a delete leaves empty
 * (core's `replaceFile` and `pruneEmptyFolders`).
 */

/** The folder an fs-driver disk keeps its files in, or `undefined` for any other driver. */
export function fsDiskRoot(disk: Disk): string | undefined {
  const driver = disk.driver as { constructor?: { name?: unknown }; options?: { location?: unknown } };
  // By name, not instanceof: the disk may come from another copy of flydrive than this package's.
  if (driver.constructor?.name !== "FSDriver") return undefined;
  const location = driver.options?.location;
  if (typeof location === "string") return path.resolve(location);
  return location instanceof URL ? fileURLToPath(location) : undefined;
}

/**
 * Streams `content` onto `<root>/<key>` atomically. The temporary name (`!!stowage-…`) is not one
 * the key codec produces, so listings pass over it.
 */
export function writeFileAtomically(root: string, key: string, content: WriteContent): Promise<void> {
  return replaceFile(path.join(root, ...key.split("/")), content, `!!stowage-${randomUUID()}`);
}

/** Removes the folders that deleting `<root>/<key>` left empty. */
export function pruneFolders(root: string, key: string): Promise<void> {
  return pruneEmptyFolders(root, path.dirname(path.join(root, ...key.split("/"))));
}
