import { randomUUID } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { pruneEmptyFolders, replaceFile } from "@stowage/core";
import type { Storage } from "unstorage";

/*
 * What the bridge does differently on unstorage's fs drivers (`fs`, `fs-lite`), which keep each
 * key as a file under `options.base` (`:` as `/`). Their `setItemRaw` is a plain `writeFile` onto
 * the file itself, so two concurrent writes interleave and a reader can see half a file; and their
 * `removeItem` leaves the file's folders behind. The bridge writes those files itself, in the
 * driver's own layout (so the driver reads them as its own), atomically, and removes the folders
 * a delete leaves empty (core's `replaceFile` and `pruneEmptyFolders`).
 */

/** The names of unstorage's drivers that keep keys as files under `options.base`. */
const FS_DRIVERS = new Set(["fs", "fs-lite"]);

/** Where an fs driver keeps a key: its base folder and the key's path segments below it. */
export interface FsDriverFile {
  root: string;
  segments: string[];
}

/** Where an fs driver keeps `storedKey`, or `undefined` when the key's mount is not a writable fs driver. */
export function fsDriverFile(storage: Storage, storedKey: string): FsDriverFile | undefined {
  const mount = storage.getMount(storedKey);
  const options = mount.driver.options as { base?: unknown; readOnly?: unknown } | undefined;
  if (mount.driver.name === undefined || !FS_DRIVERS.has(mount.driver.name)) return undefined;
  if (typeof options?.base !== "string" || options.readOnly === true) return undefined;
  return { root: path.resolve(options.base), segments: storedKey.slice(mount.base.length).split(":") };
}

/**
 * Replaces the file with `bytes` through a temporary file and a rename. The temporary name ends
 * in `$`, which unstorage's `getKeys` never lists.
 */
export function writeFileAtomically(file: FsDriverFile, bytes: Uint8Array): Promise<void> {
  return replaceFile(path.join(file.root, ...file.segments), bytes, `.stowage-${randomUUID()}.tmp$`);
}

/** Removes the folders that deleting the file left empty. */
export function pruneFolders(file: FsDriverFile): Promise<void> {
  return pruneEmptyFolders(file.root, path.dirname(path.join(file.root, ...file.segments)));
}

/**
 * True when the fs driver holds a file (not a folder) for the key: the driver's own `hasItem` is
 * also true for a folder.
 */
export async function isDriverFile(file: FsDriverFile): Promise<boolean> {
  try {
    return (await stat(path.join(file.root, ...file.segments))).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}

/**
 * True when the fs driver holds a non-empty folder at the key: one `readdir`, where unstorage's
 * `getKeys` would read the driver's whole tree. (The bridge removes the folders its deletes leave
 * empty, so a folder it wrote holds a file.)
 */
export async function isDriverFolder(file: FsDriverFile): Promise<boolean> {
  try {
    return (await readdir(path.join(file.root, ...file.segments))).length > 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}
