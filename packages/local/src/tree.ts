import type { Dirent } from "node:fs";
import { opendir, readdir } from "node:fs/promises";
import path from "node:path";
import { joinKey, mapLimit, validateKey } from "@stowage/core";
import { errnoOf } from "./fs-errors.js";
import { isTempName } from "./temp-files.js";

/**
 * Reading folders for listings. Only regular files and real folders count: links, FIFOs, sockets
 * and devices are skipped (never followed), as are temporary files and names that are not valid
 * keys (a file called `a\b` made by another program cannot be addressed, so it is not listed).
 */

/** A folder entry that stowage shows. */
export interface TreeEntry {
  /** The entry's key (a folder's without a trailing `/`). */
  key: string;
  /** Its absolute path. */
  path: string;
}

/** The entries of one folder that matter to stowage. */
export interface FolderContents {
  files: TreeEntry[];
  folders: TreeEntry[];
  temps: TreeEntry[];
}

const READ_CONCURRENCY = 8;

/** Reads one folder; a missing folder (or a file in its place) reads as empty. */
export async function readFolder(dir: string, folderKey: string): Promise<FolderContents> {
  const contents: FolderContents = { files: [], folders: [], temps: [] };
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return contents;
    throw error;
  }
  for (const entry of entries) {
    const kind = classify(entry);
    if (kind === undefined) continue;
    const key = toKey(folderKey, entry.name);
    if (key !== undefined) contents[kind].push({ key, path: path.join(dir, entry.name) });
  }
  return contents;
}

/** Every entry of the given kind at any depth below `dir`, unsorted; folders read a few at a time. */
export async function walkTree(dir: string, folderKey: string, kind: "files" | "temps"): Promise<TreeEntry[]> {
  const found: TreeEntry[] = [];
  await visitFolders(dir, folderKey, async (contents) => {
    found.push(...contents[kind]);
  });
  return found;
}

/**
 * Reads every folder below `dir` (and `dir` itself), a few at a time, level by level, and hands
 * each folder's contents to `visit` as soon as it is read, so that work on one folder (stat calls)
 * overlaps the reading of others. Resolves once every visit has finished.
 */
export async function visitFolders(
  dir: string,
  folderKey: string,
  visit: (contents: FolderContents) => Promise<void>,
): Promise<void> {
  for (let level = [{ key: folderKey, path: dir }]; level.length > 0; ) {
    const next: TreeEntry[] = [];
    await mapLimit(level, READ_CONCURRENCY, async (folder) => {
      const contents = await readFolder(folder.path, folder.key);
      next.push(...contents.folders);
      await visit(contents);
    });
    level = next;
  }
}

/**
 * True when a file lies somewhere below `dir`. Folders are implicit in stowage, so a folder holding
 * only empty folders or temporary files (a crash leftover) is not shown. Stops at the first file.
 */
export async function holdsFile(dir: string): Promise<boolean> {
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let handle;
    try {
      handle = await opendir(current);
    } catch {
      continue;
    }
    for await (const entry of handle) {
      const kind = classify(entry);
      if (kind === "files" && toKey("", entry.name) !== undefined) return true; // closes the folder
      if (kind === "folders" && toKey("", entry.name) !== undefined) pending.push(path.join(current, entry.name));
    }
  }
  return false;
}

function classify(entry: Dirent): keyof FolderContents | undefined {
  if (entry.isFile()) return isTempName(entry.name) ? "temps" : "files";
  if (entry.isDirectory()) return "folders";
  return undefined;
}

function toKey(folderKey: string, name: string): string | undefined {
  // U+FFFD stands in for bytes that are not UTF-8: such a name cannot be mapped back to the file.
  if (name.includes("\uFFFD")) return undefined;
  const key = joinKey(folderKey, name);
  try {
    return validateKey(key);
  } catch {
    return undefined;
  }
}
