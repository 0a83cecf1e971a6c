import { SnapshotConflictError } from "../errors.js";
import { fileFolderConflict, sortedKeysReader, type KeyKinds, type SortedKeyReader } from "./flat-keys.js";
import { compareKeys, parentFolders } from "./path.js";

/**
 * The file index of a backend that holds its files in process memory (the memory backend, test
 * fixtures, caches): files by key, a count of files below each folder (a folder exists exactly
 * while its count is positive), and the keys sorted by {@link compareKeys} for core's flat-key
 * listings (rebuilt on the first listing after a file appears or goes). Written once here, so
 * that the file/folder rule and the folder counts are not restated per backend.
 */
export class FileIndex<T> {
  readonly #files = new Map<string, T>();
  readonly #folders = new Map<string, number>();
  #sorted: string[] | undefined;
  readonly #kinds: KeyKinds<boolean> = { isFile: (key) => this.#files.has(key), isFolder: (key) => this.#folders.has(key) };

  /** The file at `key`, or `undefined`. */
  get(key: string): T | undefined {
    return this.#files.get(key);
  }

  /** True when a file is stored at exactly `key`. */
  has(key: string): boolean {
    return this.#files.has(key);
  }

  /**
   * Rejects with `SnapshotConflictError` (`E_CONFLICT`) when `key` would be both a file and a
   * folder (core's {@link fileFolderConflict} rule); returns its parent folders, for {@link set}.
   */
  assertWritable(key: string): readonly string[] {
    const reason = fileFolderConflict(key, this.#kinds);
    if (reason !== undefined) throw new SnapshotConflictError(key, reason);
    return parentFolders(key);
  }

  /** Stores `file` at `key`, whose `parents` {@link assertWritable} just returned. */
  set(key: string, file: T, parents: readonly string[]): void {
    if (!this.#files.has(key)) {
      for (const parent of parents) this.#folders.set(parent, (this.#folders.get(parent) ?? 0) + 1);
      this.#sorted = undefined;
    }
    this.#files.set(key, file);
  }

  /** Removes the file at `key`; false when there was none. Its folders go with their last file. */
  delete(key: string): boolean {
    if (!this.#files.delete(key)) return false;
    this.#sorted = undefined;
    for (const parent of parentFolders(key)) {
      const count = (this.#folders.get(parent) ?? 0) - 1;
      if (count > 0) this.#folders.set(parent, count);
      else this.#folders.delete(parent);
    }
    return true;
  }

  /** A page of the sorted keys from `from` on: the `SortedKeyReader` for `listFlatLevel` and `listFlatKeys`. */
  readonly readKeys: SortedKeyReader = (from, end, limit) => {
    this.#sorted ??= [...this.#files.keys()].sort(compareKeys);
    return sortedKeysReader(this.#sorted)(from, end, limit);
  };
}
