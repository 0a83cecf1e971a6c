import { ListingCheck, uncheckedListing } from "./listing.js";
import { normalizePrefix } from "./path.js";
import type { FileStat, SnapshotStorage, StreamListOptions } from "./storage.js";

/**
 * A file found by a deep listing: its key, plus its stat where the backend knows it (the advanced
 * tier's {@link AdvancedSnapshotStorage.streamList}); a basic-tier walk knows only the key.
 */
export type ListedFile = Pick<FileStat, "path"> & Partial<Omit<FileStat, "path">>;

/**
 * Every file under folder `prefix`, at any depth, sorted by {@link compareKeys} and yielded lazily,
 * on either tier: the backend's `streamList` on the advanced tier, otherwise a depth-first walk of
 * one-level `list` calls that holds one listing per folder level (memory grows with depth and
 * folder width, never with the tree).
 *
 * Checks what the backend returns, because a merge of two listings trusts their order: an entry
 * that is not strictly below the folder it was listed for (a folder listing itself would make the
 * walk loop forever) or that breaks the order rejects the iteration with `SnapshotIOError`
 * (`E_IO`) naming the backend.
 */
export async function* walkFiles(
  storage: SnapshotStorage,
  prefix: string,
  options: StreamListOptions = {},
): AsyncGenerator<ListedFile, void, undefined> {
  const folder = normalizePrefix(prefix);
  const check = new ListingCheck(storage, folder);
  for await (const entry of uncheckedListing(storage, folder, options)) {
    check.next(entry.path);
    yield entry;
  }
}

/**
 * Every file key under `prefix`, sorted: {@link walkFiles} collected into an array. The advanced
 * tier's `recursiveList` method, for a storage of either tier (one name for one thing).
 */
export async function recursiveList(storage: SnapshotStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of walkFiles(storage, prefix)) keys.push(entry.path);
  return keys;
}
