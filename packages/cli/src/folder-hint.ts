import { isStowageError, type SnapshotStorage } from "@stowage/core";
import { UsageError } from "./exit-codes.js";
import type { Location } from "./location.js";

/**
 * Runs `action` on the file `key`. When it fails because the file is missing but files lie below
 * `key`, the user named a folder: that is said (a usage error, as `rm` on a folder is) instead of
 * a bare "no such file".
 */
export async function withFolderHint<T>(
  storage: SnapshotStorage,
  key: string,
  location: Location,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isStowageError(error, "E_NOT_FOUND") && (await isFolder(storage, key))) throw folderError(location);
    throw error;
  }
}

/** Whether any file lies below `key`. */
export async function isFolder(storage: SnapshotStorage, key: string): Promise<boolean> {
  return (await storage.list(key).catch(() => [])).length > 0;
}

/** The usage error for a folder named where a file is needed. */
export function folderError(location: Location): UsageError {
  return new UsageError(`'${location.text}' is a folder, not a file: use sync to copy a folder`);
}
