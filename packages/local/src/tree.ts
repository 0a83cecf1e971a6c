import { lstatSync, type Dirent } from "node:fs";
import { opendir, readdir } from "node:fs/promises";
import path from "node:path";
import { compareKeys, validateKey, type SkippedEntry } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";
import { isLinkName, LINK_SUFFIX } from "./links.js";
import { isTempName } from "./temp-files.js";

/**
 * What a folder's entries are to stowage. Only regular files and real folders count (and, in
 * translate mode, symbolic links, shown as `<name>.rclonelink` files); links in skip mode, FIFOs,
 * sockets and devices are passed over, never followed, as are names that are not valid keys (a
 * file called `a\b` made by another program cannot be addressed). Temporary files are not data.
 */

/** One entry of a folder, as listings show it. */
export interface Entry {
  /** The entry's last key segment; a folder's ends with `/`, so that sorting by it sorts deep listings too. */
  order: string;
  /** Its name on disk. */
  name: string;
  kind: "file" | "folder" | "link";
  /** Its place in the folder's entries as read (before sorting). */
  at: number;
}

/**
 * What {@link classifyEntry} needs of a directory entry: a `Dirent`, or the same read on a thread.
 * `parentPath` (`path` before Node 20.12) is the folder's path.
 */
export type DirEntry = Pick<Dirent, "name" | "isFile" | "isDirectory" | "isSymbolicLink"> & { readonly parentPath?: string; readonly path?: string };

/**
 * What a directory entry is: an {@link Entry} (`at` is its place in the folder as read), a reason
 * to pass it over, or nothing (a temporary file).
 */
export function classifyEntry(dirent: DirEntry, translate: boolean, at = 0): Entry | SkippedEntry["reason"] | undefined {
  const name = dirent.name;
  if (dirent.isFile()) {
    if (isTempName(name)) return undefined;
    // In translate mode `x.rclonelink` names the link `x`, so a regular file of that name would be ambiguous.
    if (translate && isLinkName(name)) return "invalid-name";
    return isValidName(name, dirent) ? { order: name, name, kind: "file", at } : "invalid-name";
  }
  if (dirent.isDirectory()) return isValidName(name, dirent) ? { order: `${name}/`, name, kind: "folder", at } : "invalid-name";
  if (dirent.isSymbolicLink()) {
    if (!translate) return "link";
    const order = `${name}${LINK_SUFFIX}`;
    return isValidName(order, dirent) ? { order, name, kind: "link", at } : "invalid-name";
  }
  return "special";
}

/**
 * The entries a listing shows, sorted by `compareKeys` of {@link Entry.order}; each entry passed
 * over goes to `skip` with its key (`folderKey` joined with the raw name).
 */
export function sortEntries(
  dirents: readonly DirEntry[],
  folderKey: string,
  translate: boolean,
  skip: (entry: SkippedEntry) => void,
): Entry[] {
  const entries: Entry[] = [];
  const keyOf = (name: string): string => (folderKey === "" ? name : `${folderKey}/${name}`);
  for (let at = 0; at < dirents.length; at++) {
    const dirent = dirents[at] as DirEntry;
    const kind = classifyEntry(dirent, translate, at);
    if (typeof kind === "object") entries.push(kind);
    else if (kind !== undefined) skip({ path: keyOf(dirent.name), reason: kind });
  }
  entries.sort((a, b) => compareKeys(a.order, b.order));
  // Two names decode alike only when one of them is not UTF-8 (both read as U+FFFD): the key
  // addresses the true UTF-8 name, so it is listed once and the other is passed over.
  return entries.filter((entry, i) => {
    if (entries[i - 1]?.order !== entry.order) return true;
    skip({ path: keyOf(entry.name), reason: "invalid-name" });
    return false;
  });
}

/** A folder's entries with their types; a missing folder (or a file in its place) reads as empty. */
export async function readEntries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return [];
    throw error;
  }
}

/**
 * True when a listed file lies somewhere below `dir`. Folders are implicit in stowage, so a folder
 * holding only empty folders or temporary files (a crash leftover) is not shown. Stops at the first file.
 */
export async function holdsFile(dir: string, translate: boolean): Promise<boolean> {
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let handle;
    try {
      handle = await opendir(current);
    } catch {
      continue;
    }
    for await (const dirent of handle) {
      const entry = classifyEntry(dirent, translate);
      if (typeof entry !== "object") continue;
      if (entry.kind !== "folder") return true; // closes the folder
      pending.push(path.join(current, dirent.name));
    }
  }
  return false;
}

/** A temporary file found by {@link findTempFiles}. */
export interface TempFile {
  /** Its key-like path relative to the root. */
  key: string;
  /** Its absolute path. */
  path: string;
}

/** Every temporary file at any depth below `dir` (key `folderKey`), unsorted; folders read a few at a time. */
export async function findTempFiles(dir: string, folderKey: string): Promise<TempFile[]> {
  const found: TempFile[] = [];
  for (let level: TempFile[] = [{ key: folderKey, path: dir }]; level.length > 0; ) {
    const next: TempFile[] = [];
    for (const folder of level) {
      for (const dirent of await readEntries(folder.path)) {
        const entry = { key: folder.key === "" ? dirent.name : `${folder.key}/${dirent.name}`, path: path.join(folder.path, dirent.name) };
        if (dirent.isFile() && isTempName(dirent.name)) found.push(entry);
        else if (dirent.isDirectory() && isValidName(dirent.name, dirent)) next.push(entry);
      }
    }
    level = next;
  }
  return found;
}

/**
 * A name that can be one segment of a key (a folder named like a temporary file cannot). `dirent`
 * is the directory entry the name comes from (its own name, for a translated link).
 */
function isValidName(name: string, dirent: DirEntry): boolean {
  if (isTempName(name) || !hasUtf8Name(dirent)) return false;
  try {
    validateKey(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * False when the entry's name on disk is not UTF-8. Node decodes such bytes as U+FFFD, and the key
 * would then address another file (or none). A U+FFFD that stowage wrote is a real character
 * (bytes EF BF BD): then a file by the decoded name exists. Only names holding U+FFFD pay the lstat.
 */
function hasUtf8Name(dirent: DirEntry): boolean {
  if (!dirent.name.includes("\uFFFD")) return true;
  const folder = dirent.parentPath ?? dirent.path;
  if (folder === undefined) return false;
  return lstatSync(path.join(folder, dirent.name), { throwIfNoEntry: false }) !== undefined;
}
