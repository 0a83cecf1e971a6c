import { normalizePrefix } from "./path.js";

/**
 * Where a folder of a storage really is, as its backend knows it: what overlap checks compare, so
 * that two storage objects (or two URLs) naming one place are seen as one. Each backend says what
 * its place is through {@link PlacedStorage.place} (issue 24, as rclone compares remotes):
 *
 * - Redis: the server's `run_id` (a cluster's node ids), the database and the namespace;
 * - memory: the instance itself;
 * - local: the chain of `dev:ino` of the folders down to the nearest existing one, then the
 *   missing segments (so symbolic links, bind mounts and case-insensitive names all resolve);
 * - S3: the endpoint the SDK resolves, the bucket, then the key prefix.
 */
export interface StoragePlace {
  /**
   * The key space the folder lives in, as an opaque text: two places in different spaces never
   * overlap (`redis:<run_id>/0/stowage`, `s3:https://host/bucket`).
   */
  space: string;
  /** The folder's segments from the space's root; compared one by one, exactly. `[]` is the root. */
  path: readonly string[];
  /**
   * The folder names of `path`, one per segment, where `path` holds identities rather than names
   * (local's `dev:ino`); filters match names (a nested folder excluded by `--exclude '/old/**'`).
   * Default: `path` itself.
   */
  names?: readonly string[];
}

/**
 * A storage that can say where its folders are (optional; the layers pass it through). A storage
 * without it is compared by object identity only in core, and by URL text in the CLI.
 */
export interface PlacedStorage {
  /**
   * The place of folder `prefix` (`""` for the root; normalized as {@link normalizePrefix} does).
   * May read (a server's id, a folder's inode), never writes; the folder need not exist. Rejects
   * as the backend's calls do (`E_UNAVAILABLE`, `E_IO`).
   */
  place(prefix: string): Promise<StoragePlace>;
}

/** True when `storage` offers {@link PlacedStorage.place}. */
export function hasPlace(storage: unknown): storage is PlacedStorage {
  return typeof (storage as { place?: unknown } | null)?.place === "function";
}

/** The place of `prefix` in `storage`, or `undefined` when the backend does not say. */
export async function placeOf(storage: unknown, prefix: string): Promise<StoragePlace | undefined> {
  return hasPlace(storage) ? storage.place(normalizePrefix(prefix)) : undefined;
}

/**
 * How place `a` lies relative to place `b`: `same`, `inside` (a is below b), `contains` (b is
 * below a) or `apart`.
 */
export type PlaceRelation = "same" | "inside" | "contains" | "apart";

/** Compares two places segment by segment (see {@link PlaceRelation}). */
export function comparePlaces(a: StoragePlace, b: StoragePlace): PlaceRelation {
  if (a.space !== b.space) return "apart";
  const shorter = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < shorter; i++) if (a.path[i] !== b.path[i]) return "apart";
  if (a.path.length === b.path.length) return "same";
  return a.path.length > b.path.length ? "inside" : "contains";
}

/** A place in `space` for a storage whose keys sit below `root` segments: `prefix`'s segments appended. */
export function placeBelow(space: string, root: readonly string[], prefix: string): StoragePlace {
  const folder = normalizePrefix(prefix);
  return { space, path: [...root, ...(folder === "" ? [] : folder.split("/"))] };
}
