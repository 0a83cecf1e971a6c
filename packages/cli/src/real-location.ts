import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { normalizePrefix, type FolderRelation } from "@stowage/core";
import type { Location } from "./location.js";
import { urlRelation } from "./overlap.js";

/**
 * {@link urlRelation} for places as they really are: a local location is compared where its
 * path leads once symbolic links are resolved (see {@link realLocation}), as the operating system
 * follows them when the store is opened. `./dst` and `./link-to-dst/bak` overlap. Needs no store
 * opened: what the CLI checks before opening (and so creating) a local destination.
 */
export async function realRelation(a: Location, b: Location): Promise<FolderRelation> {
  return urlRelation(await realLocation(a), await realLocation(b));
}

/**
 * A local (`file:`) location as the folder it really names: its store URL is the real path of the
 * store folder joined with the key (every symbolic link resolved, see {@link realLocalPath}), its
 * key `""`, its query kept. Other locations are returned as they are.
 */
export async function realLocation(location: Location): Promise<Location> {
  if (location.store.protocol !== "file:") return location;
  const key = normalizePrefix(location.key);
  const folder = fileURLToPath(location.store);
  const store = pathToFileURL(await realLocalPath(key === "" ? folder : join(folder, ...key.split("/"))));
  store.search = location.store.search;
  return { store, key: "", text: location.text };
}

/**
 * `path` with every symbolic link resolved: the real path of its deepest existing ancestor, then
 * the rest, which does not exist yet (a backup folder the sync will create). A path whose
 * ancestors cannot be read is returned as written.
 */
export async function realLocalPath(path: string): Promise<string> {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(await realpath(existing), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(existing);
      if ((code !== "ENOENT" && code !== "ENOTDIR") || parent === existing) return path;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}
