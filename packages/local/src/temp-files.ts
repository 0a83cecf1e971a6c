import { randomBytes } from "node:crypto";
import { InvalidPathError } from "@stowage/core";

/**
 * Every write goes to a file named `.stowage-tmp-<16 hex digits>` in the destination's folder, then
 * is renamed over the target. Such names are never listed, never synced, and are refused as keys,
 * so a leftover of a crashed process can always be told apart from data.
 */
export const TEMP_PREFIX = ".stowage-tmp-";

/** A fresh, unguessable temporary file name. */
export function tempName(): string {
  return `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`;
}

/** True when a directory entry's name is one of stowage's temporary files. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

/** Rejects a key (or prefix) with a segment that would be mistaken for a temporary file. */
export function assertNotReserved(key: string): void {
  if (key.split("/").some(isTempName)) {
    throw new InvalidPathError(key, `segments starting with '${TEMP_PREFIX}' are reserved for temporary files`);
  }
}
