import { SnapshotConflictError } from "../errors.js";
import { compareKeys, parentFolders } from "./path.js";

/*
 * The listing rules of a backend that keeps files as a flat, sorted set of full keys (memory's key
 * index, a Redis sorted set, a key-value store's keys): written once here, so that no adapter or
 * bridge re-implements them. Everything works on pages read lazily from a {@link SortedKeyReader},
 * never on the whole key set.
 */

/**
 * The keys of folder `folder`'s subtree in a flat sorted key set: `start <= key < end` in
 * {@link compareKeys} order. For a folder `f` that is `f/` ≤ key < `f0` (`0` is the code point after
 * `/`); for the root (`""`) every key, with no `end`.
 */
export interface KeyRange {
  /** The smallest key of the range (inclusive): `folder/`, or `""` for the root. */
  readonly start: string;
  /** The first key after the range (exclusive): `folder0`, or `undefined` for the root. */
  readonly end: string | undefined;
}

/**
 * The {@link KeyRange} of a normalized folder (see {@link normalizePrefix}). Only keys strictly
 * below the folder fall in it: `snap` does not contain `snapshot2/x`, and a file named `snap` is
 * not in the range of folder `snap`.
 */
export function folderKeyRange(folder: string): KeyRange {
  return folder === "" ? { start: "", end: undefined } : { start: `${folder}/`, end: `${folder}0` };
}

/** True when `key` lies in `range` (see {@link folderKeyRange}). */
export function inKeyRange(key: string, range: KeyRange): boolean {
  return compareKeys(key, range.start) >= 0 && (range.end === undefined || compareKeys(key, range.end) < 0);
}

/**
 * The smallest key that sorts after `key` in {@link compareKeys} order (`key` + NUL: valid keys
 * never hold NUL), so that a reader with an inclusive lower bound can resume after a key.
 */
export function keyAfter(key: string): string {
  return `${key}\u0000`;
}

/**
 * Reads one page of a flat key set: keys `k` with `from <= k` (and `k < end` when `end` is given),
 * ascending in {@link compareKeys} order, at least one when any is left and at most `limit` (a
 * hint: a reader may return fewer, and should not return many more, since the helpers may drop
 * the rest of a page). An empty page means there are no more. A reader may return keys at or past
 * `end`; the helpers stop there.
 */
export type SortedKeyReader = (from: string, end: string | undefined, limit: number) => Promise<readonly string[]> | readonly string[];

/** Keys per page that {@link sortedKeysReader} hands out, and the largest `limit` the helpers ask for. */
export const SORTED_KEYS_PAGE = 1000;
const MAX_PAGE = SORTED_KEYS_PAGE;
/** The `limit` of a one-level listing's first read. */
const FIRST_LEVEL_PAGE = 256;
/** The smallest `limit` a one-level listing asks for (while pages end inside large sub-folders). */
const MIN_LEVEL_PAGE = 16;

/**
 * A {@link SortedKeyReader} over keys already held in memory, sorted by {@link compareKeys}: each
 * read finds `from` by binary search and returns up to `pageSize` keys. For backends that keep a
 * sorted index (memory) or can only list their keys all at once (most key-value stores): sort
 * them with {@link sortKeys} once, then list from them with the helpers below.
 */
export function sortedKeysReader(
  sorted: readonly string[],
  pageSize: number = SORTED_KEYS_PAGE,
): (from: string, end?: string, limit?: number) => readonly string[] {
  return (from, _end, limit = pageSize) => {
    const first = firstAtOrAfter(sorted, from);
    return sorted.slice(first, first + Math.min(pageSize, limit));
  };
}

/** The index of the first key not before `key` in sorted `keys` (a binary search). */
function firstAtOrAfter(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(keys[middle] as string, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Every key under folder `folder` (normalized), in {@link compareKeys} order, read a page at a
 * time as the caller consumes them (memory: one page). The flat-key form of
 * {@link AdvancedSnapshotStorage.recursiveList} and `streamList`.
 */
export async function* listFlatKeys(folder: string, read: SortedKeyReader): AsyncGenerator<string, void, undefined> {
  const range = folderKeyRange(folder);
  for (let from = range.start; ; ) {
    const page = await read(from, range.end, MAX_PAGE);
    const last = page[page.length - 1];
    if (last === undefined) return;
    for (const key of page) {
      if (!inKeyRange(key, range)) return;
      yield key;
    }
    from = keyAfter(last);
  }
}

/**
 * One level of folder `folder` (normalized) from a flat key set, as {@link SnapshotStorage.list}
 * returns it, yielded lazily in {@link compareKeys} order: the keys of files directly inside it,
 * and each sub-folder once, as its key with a trailing `/`. A page that ends inside a sub-folder
 * resumes after the sub-folder's whole subtree (`sub/` ≤ key < `sub0`), so a deep subtree costs one
 * read, not one per page of its keys. The `limit` asked of the reader follows what the pages
 * yield (twice the entries of the last page, from 16 to 1000), so that a folder of large
 * sub-folders does not fetch a full page of keys per sub-folder only to drop most of it.
 */
export async function* listFlatLevel(folder: string, read: SortedKeyReader): AsyncGenerator<string, void, undefined> {
  const range = folderKeyRange(folder);
  let from = range.start;
  let limit = FIRST_LEVEL_PAGE;
  for (;;) {
    const page = await read(from, range.end, limit);
    const last = page[page.length - 1];
    if (last === undefined) return;
    let subfolder: string | undefined;
    let yielded = 0;
    for (const key of page) {
      if (!inKeyRange(key, range)) return;
      if (subfolder !== undefined && key.startsWith(subfolder)) continue;
      const slash = key.indexOf("/", range.start.length);
      subfolder = slash === -1 ? undefined : key.slice(0, slash + 1);
      yield subfolder ?? key;
      yielded++;
    }
    // '0' follows '/': the first key after the sub-folder's subtree.
    from = subfolder !== undefined && last.startsWith(subfolder) ? `${subfolder.slice(0, -1)}0` : keyAfter(last);
    limit = Math.min(MAX_PAGE, Math.max(MIN_LEVEL_PAGE, 2 * yielded));
  }
}

/** True when at least one key lies under folder `folder` (normalized): one read of one page. */
export async function flatFolderExists(folder: string, read: SortedKeyReader): Promise<boolean> {
  const range = folderKeyRange(folder);
  const first = (await read(range.start, range.end, 1))[0];
  return first !== undefined && inKeyRange(first, range);
}

/** How a backend answers the two questions of the file/folder conflict rule (see {@link fileFolderConflict}). */
export interface KeyKinds<R> {
  /** Whether a file is stored at exactly `key`. */
  isFile(key: string): R;
  /** Whether any file lies below folder `key` (see {@link flatFolderExists}). */
  isFolder(key: string): R;
}

/**
 * The file/folder conflict rule of {@link SnapshotStorage.write}: writing `path` conflicts when a
 * folder exists at `path` (`a` while `a/b` exists) or when one of its parent folders is a file
 * (`a/b` while `a` is a file). Returns the reason, or `undefined` when `path` may be written. For
 * backends that can answer at once (in-memory indexes), so that the check and the store happen in
 * one synchronous step; {@link checkFileFolderConflict} is the asynchronous form.
 */
export function fileFolderConflict(path: string, kinds: KeyKinds<boolean>): string | undefined {
  if (kinds.isFolder(path)) return conflictReason(path, "folder");
  for (const parent of parentFolders(path)) if (kinds.isFile(parent)) return conflictReason(parent, "file");
  return undefined;
}

/**
 * {@link fileFolderConflict} for backends that answer by I/O. Throws `SnapshotConflictError`
 * (`E_CONFLICT`) naming the reason; resolves when `path` may be written. Checked question by
 * question, nearest parent last, stopping at the first conflict. Not atomic with the write that
 * follows: a backend without transactions can still race another writer.
 */
export async function checkFileFolderConflict(path: string, kinds: KeyKinds<boolean | Promise<boolean>>): Promise<void> {
  if (await kinds.isFolder(path)) throw new SnapshotConflictError(path, conflictReason(path, "folder"));
  for (const parent of parentFolders(path)) {
    if (await kinds.isFile(parent)) throw new SnapshotConflictError(path, conflictReason(parent, "file"));
  }
}

function conflictReason(key: string, kind: "file" | "folder"): string {
  return kind === "folder" ? "a folder exists at this path" : `'${key}' is a file`;
}
