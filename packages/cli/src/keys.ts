import { joinKey, normalizePrefix, validateKey } from "@stowage/core";
import { UsageError } from "./exit-codes.js";
import type { Location } from "./location.js";

/** The file key a location names; a location without a key is a usage error with a hint. */
export function fileKey(location: Location): string {
  if (location.key === "") {
    throw new UsageError(`'${location.text}' names a store, not a file: add ::<key>, e.g. ${location.text}::notes.txt`);
  }
  return validateKey(location.key);
}

/** The folder a location names (`""` for the store's root). */
export function folderKey(location: Location): string {
  return normalizePrefix(location.key);
}

/**
 * Where a copy lands: the location's key, or — when it names a folder (no key, or a trailing
 * `/`) — that folder plus `name`, like `cp a.txt dir/`.
 */
export function destinationKey(location: Location, name: string): string {
  if (location.key === "" || location.key.endsWith("/")) return validateKey(joinKey(normalizePrefix(location.key), name));
  return validateKey(location.key);
}

/** The last segment of a key: `baseName("a/b/c.txt")` is `"c.txt"`. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
