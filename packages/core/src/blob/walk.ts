import { SnapshotIOError } from "../errors.js";
import { backendName, isAdvancedSnapshotStorage } from "./guards.js";
import { compareKeys, normalizePrefix } from "./path.js";
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
  const entries = isAdvancedSnapshotStorage(storage) ? storage.streamList(folder, options) : walkBasic(storage, folder);
  const base = folder === "" ? "" : `${folder}/`;
  let previous: string | undefined;
  for await (const entry of entries) {
    const key = entry.path;
    if (!key.startsWith(base) || key.length === base.length) throw badListing(storage, folder, key, "is not below the folder");
    if (previous !== undefined && compareKeys(previous, key) >= 0) {
      throw badListing(storage, folder, key, `comes after '${previous}', out of order`);
    }
    previous = key;
    yield entry;
  }
}

/** Every file key under `prefix`, sorted: {@link walkFiles} collected into an array. */
export async function listRecursive(storage: SnapshotStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of walkFiles(storage, prefix)) keys.push(entry.path);
  return keys;
}

/** Depth-first over `list`: each folder's sorted entries, sub-folders expanded where they sort. */
async function* walkBasic(storage: SnapshotStorage, folder: string): AsyncGenerator<ListedFile, void, undefined> {
  const stack: Array<{ entries: string[]; next: number }> = [{ entries: await listLevel(storage, folder), next: 0 }];
  while (stack.length > 0) {
    const level = stack[stack.length - 1] as { entries: string[]; next: number };
    const entry = level.entries[level.next++];
    if (entry === undefined) {
      stack.pop();
    } else if (entry.endsWith("/")) {
      stack.push({ entries: await listLevel(storage, entry.slice(0, -1)), next: 0 });
    } else {
      yield { path: entry };
    }
  }
}

/** One `list` call, checked: every entry one level below `folder`, in strictly ascending order. */
async function listLevel(storage: SnapshotStorage, folder: string): Promise<string[]> {
  const entries = await storage.list(folder);
  const base = folder === "" ? "" : `${folder}/`;
  let previous: string | undefined;
  for (const entry of entries) {
    const name = entry.slice(base.length);
    const slash = name.indexOf("/");
    if (!entry.startsWith(base) || name === "" || name === "/" || (slash !== -1 && slash !== name.length - 1)) {
      throw badListing(storage, folder, entry, "is not one level below the folder");
    }
    if (previous !== undefined && compareKeys(previous, entry) >= 0) {
      throw badListing(storage, folder, entry, `comes after '${previous}', out of order`);
    }
    previous = entry;
  }
  return entries;
}

function badListing(storage: SnapshotStorage, folder: string, entry: string, problem: string): SnapshotIOError {
  return new SnapshotIOError(
    `${backendName(storage)} listed '${entry}' for folder '${folder}', which ${problem}: a listing must hold only entries strictly below its folder, sorted by compareKeys`,
    folder,
  );
}
