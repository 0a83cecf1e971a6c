import { randomUUID } from "node:crypto";
import { mkdir, rename, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Storage } from "unstorage";

/*
 * What the bridge does differently on unstorage's fs drivers (`fs`, `fs-lite`), which keep each
 * key as a file under `options.base` (`:` as `/`). Their `setItemRaw` is a plain `writeFile` onto
 * the file itself, so two concurrent writes interleave and a reader can see half a file; and their
 * `removeItem` leaves the file's folders behind. The bridge writes those files itself, in the
 * driver's own layout (so the driver reads them as its own), atomically, and removes the folders
 * a delete leaves empty.
 */

/** The names of unstorage's drivers that keep keys as files under `options.base`. */
const FS_DRIVERS = new Set(["fs", "fs-lite"]);

/** Where an fs driver keeps `storedKey`, or `undefined` when the key's mount is not an fs driver. */
export function fsDriverFile(storage: Storage, storedKey: string): { root: string; segments: string[] } | undefined {
  const mount = storage.getMount(storedKey);
  const base = (mount.driver.options as { base?: unknown } | undefined)?.base;
  if (mount.driver.name === undefined || !FS_DRIVERS.has(mount.driver.name) || typeof base !== "string") return undefined;
  if ((mount.driver.options as { readOnly?: unknown }).readOnly === true) return undefined;
  return { root: path.resolve(base), segments: storedKey.slice(mount.base.length).split(":") };
}

/**
 * Replaces the file with `bytes` atomically: written to a temporary file beside it and renamed
 * over it, so readers see the old content or the new and concurrent writers never interleave.
 * The temporary name ends in `$`, which unstorage's `getKeys` never lists.
 */
export async function writeFileAtomically(file: { root: string; segments: string[] }, bytes: Uint8Array): Promise<void> {
  const target = path.join(file.root, ...file.segments);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.stowage-${randomUUID()}.tmp$`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes the folders that a deleted file leaves empty, nearest first, stopping at the first one
 * that is not empty (or at the driver's base). Folders are implicit in stowage: they go with their
 * last file, as on the local backend, so that their name can become a file again.
 */
export async function pruneEmptyFolders(file: { root: string; segments: string[] }): Promise<void> {
  for (let depth = file.segments.length - 1; depth > 0; depth--) {
    try {
      await rmdir(path.join(file.root, ...file.segments.slice(0, depth)));
    } catch {
      return; // not empty (or already gone): its parents are not empty either
    }
  }
}
