import { utimeSeconds } from "./mtimes.js";
import { lstat, lutimes, readlink, rename, rm, rmdir, symlink } from "node:fs/promises";
import path from "node:path";
import { SnapshotConflictError, SnapshotIOError, SnapshotNotFoundError, toChunks, type WriteContent, pruneEmptyFolders } from "@stowage/core";
import { ensureFolder, syncFolder } from "./folders.js";
import { errnoOf, toStowageError } from "./fs-errors.js";
import { tempName } from "./temp-files.js";

/**
 * rclone's link translation (`rclone --links`/`-l`), the backend's `links: "translate"` mode: a
 * symbolic link `x` is shown as a small regular file `x.rclonelink` whose content is the link's
 * target, and writing `x.rclonelink` creates the link `x`. A tree with links can then be synced
 * to any storage (S3 keeps `.rclonelink` objects, as rclone does) and restored as links.
 *
 * stowage still never follows a link in this mode: a link is only ever read with `readlink`,
 * created with `symlink` and renamed or unlinked as the link itself.
 */

/** What the backend does with symbolic links below its root: see {@link LINK_SUFFIX}. */
export type LinkMode = "skip" | "translate";

/** The suffix that names a translated link, as in rclone. */
export const LINK_SUFFIX = ".rclonelink";

/** Longest link target accepted by a write, in bytes (Linux's PATH_MAX). */
export const MAX_LINK_TARGET = 4096;

/** True when `name` (one path segment) is `<link name>.rclonelink`. */
export function isLinkName(name: string): boolean {
  return name.length > LINK_SUFFIX.length && name.endsWith(LINK_SUFFIX);
}

/** The path of the link that `file` (a path ending in `.rclonelink`) stands for. */
export function linkPathOf(file: string): string {
  return file.slice(0, -LINK_SUFFIX.length);
}

/** The link's `lstat`, or `undefined` when `link` is missing or not a symbolic link. */
export async function statLink(link: string): Promise<import("node:fs").BigIntStats | undefined> {
  try {
    const stats = await lstat(link, { bigint: true });
    return stats.isSymbolicLink() ? stats : undefined;
  } catch (error) {
    if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return undefined;
    throw error;
  }
}

/** The target of the link at `link` as raw bytes (`SnapshotNotFoundError` for `key` when it is not a link). */
export async function readLinkTarget(link: string, key: string): Promise<Buffer> {
  try {
    return await readlink(link, { encoding: "buffer" });
  } catch (error) {
    // EINVAL: not a link (a regular file or folder now stands there).
    if (["ENOENT", "ENOTDIR", "EINVAL"].includes(errnoOf(error) ?? "")) throw new SnapshotNotFoundError(key, { cause: error });
    throw toStowageError(error, key, "reading");
  }
}

/** Where and how to create a link. */
export interface LinkCreation {
  /** The canonical storage root. */
  root: string;
  /** The link's path (the key's path without `.rclonelink`). */
  link: string;
  /** The key (`….rclonelink`), for errors. */
  key: string;
  /** Modification time to give the link (`lutimes`, to the microsecond), in ns since the epoch. */
  mtimeNs?: bigint | undefined;
  /** fsync the folder after the rename. */
  durable: boolean;
}

/**
 * Creates (or replaces) the link `link` with the target that `content` holds, atomically: a link
 * is made under a temporary name in the same folder, given its time, and renamed into place. Only
 * a missing entry, an empty folder or an existing link may be replaced; a regular file or a folder
 * holding files is a `SnapshotConflictError` (they are other keys).
 */
export async function createLink(creation: LinkCreation, content: WriteContent): Promise<void> {
  const { root, link, key, mtimeNs, durable } = creation;
  const target = await collectTarget(content, key);
  const dir = path.dirname(link);
  await ensureFolder(root, dir, key);
  const temp = path.join(dir, tempName());
  try {
    await symlink(target, temp);
    if (mtimeNs !== undefined) await lutimes(temp, utimeSeconds(mtimeNs), utimeSeconds(mtimeNs));
    await assertLinkReplaceable(link, key);
    await rename(temp, link);
    if (durable) await syncFolder(dir);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    await pruneEmptyFolders(root, dir);
    throw toStowageError(error, key, "writing");
  }
}

async function collectTarget(content: WriteContent, key: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of toChunks(content)) {
    size += chunk.byteLength;
    if (size > MAX_LINK_TARGET) throw new SnapshotIOError(`A link target longer than ${MAX_LINK_TARGET} bytes cannot be stored at '${key}'`, key);
    parts.push(chunk);
  }
  const target = Buffer.concat(parts);
  if (target.length === 0 || target.includes(0)) {
    throw new SnapshotIOError(`'${key}' must hold a link target: non-empty, without NUL bytes`, key);
  }
  return target;
}

async function assertLinkReplaceable(link: string, key: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(link);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return;
    throw error;
  }
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    try {
      await rmdir(link);
      return;
    } catch (error) {
      throw new SnapshotConflictError(key, "a folder exists at the link's path", { cause: error });
    }
  }
  throw new SnapshotConflictError(key, "a file that is not a link exists at the link's path");
}
