import { SnapshotIOError } from "../errors.js";
import { backendName, isAdvancedSnapshotStorage } from "./guards.js";
import { compareKeys } from "./path.js";
import type { SnapshotStorage, StreamListOptions } from "./storage.js";
import type { ListedFile } from "./walk.js";

/*
 * Deep listings of either tier, and the checks that every consumer of one relies on. Internal:
 * {@link walkFiles} is the public face; the sync engine uses these directly so that it can batch.
 */

/**
 * The listing {@link walkFiles} checks, unchecked, for callers that check each entry with a
 * {@link ListingCheck} themselves (the sync engine, which batches entries). `folder` is normalized.
 */
export function uncheckedListing(storage: SnapshotStorage, folder: string, options: StreamListOptions): AsyncIterable<ListedFile> {
  return isAdvancedSnapshotStorage(storage) ? storage.streamList(folder, options) : walkBasic(storage, folder, options.descend);
}

/**
 * Checks a deep listing of `folder` entry by entry: each key strictly below the folder, in strictly
 * ascending {@link compareKeys} order. Throws `SnapshotIOError` otherwise.
 */
export class ListingCheck {
  readonly #base: string;
  #previous: string | undefined;

  constructor(
    private readonly storage: SnapshotStorage,
    private readonly folder: string,
  ) {
    this.#base = folder === "" ? "" : `${folder}/`;
  }

  next(key: string): void {
    if (!key.startsWith(this.#base) || key.length === this.#base.length) {
      throw badListing(this.storage, this.folder, key, "is not below the folder");
    }
    if (this.#previous !== undefined && compareKeys(this.#previous, key) >= 0) {
      throw badListing(this.storage, this.folder, key, `comes after '${this.#previous}', out of order`);
    }
    this.#previous = key;
  }
}

/**
 * Depth-first over `list`: each folder's sorted entries, sub-folders expanded where they sort,
 * except those `descend` turns down (never listed).
 *
 * Folders exist only while a file lies below them, so a sub-folder its parent just listed and that
 * now lists nothing vanished while it was walked: that is `SnapshotIOError` (`E_IO`), never an
 * empty folder, because a sync would otherwise take every file that was in it as deleted.
 */
async function* walkBasic(
  storage: SnapshotStorage,
  folder: string,
  descend: StreamListOptions["descend"],
): AsyncGenerator<ListedFile, void, undefined> {
  const stack: Array<{ entries: string[]; next: number }> = [{ entries: await listLevel(storage, folder), next: 0 }];
  while (stack.length > 0) {
    const level = stack[stack.length - 1] as { entries: string[]; next: number };
    const entry = level.entries[level.next++];
    if (entry === undefined) {
      stack.pop();
    } else if (entry.endsWith("/")) {
      const folderKey = entry.slice(0, -1);
      if (descend !== undefined && !descend(folderKey)) continue;
      const entries = await listLevel(storage, folderKey);
      if (entries.length === 0) throw vanishedFolder(storage, folderKey);
      stack.push({ entries, next: 0 });
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

function vanishedFolder(storage: SnapshotStorage, folder: string): SnapshotIOError {
  return new SnapshotIOError(
    `${backendName(storage)} listed folder '${folder}', then found nothing in it: it vanished while it was walked, so the listing is incomplete`,
    folder,
  );
}

function badListing(storage: SnapshotStorage, folder: string, entry: string, problem: string): SnapshotIOError {
  return new SnapshotIOError(
    `${backendName(storage)} listed '${entry}' for folder '${folder}', which ${problem}: a listing must hold only entries strictly below its folder, sorted by compareKeys`,
    folder,
  );
}
