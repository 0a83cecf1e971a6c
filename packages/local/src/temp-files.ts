import { randomBytes } from "node:crypto";
import { InvalidPathError } from "@stowage/core";

/**
 * Every write goes to a file named `.stowage-tmp-<16 hex digits>` in the destination's folder, then
 * is renamed over the target. Such names (exactly these: not `.stowage-tmp-notes.txt`) are never
 * listed, never synced, and are refused as keys,
 * so a leftover of a crashed process can always be told apart from data.
 */
export const TEMP_PREFIX = ".stowage-tmp-";

// A random tag per process plus a counter: unique without asking the kernel for entropy per file.
// Uniqueness is a convenience, not a guarantee: temporary files are created with O_EXCL anyway.
const PROCESS_TAG = randomBytes(4).toString("hex");
let counter = 0;

/** A fresh temporary file name, `.stowage-tmp-` and 16 hex digits. */
export function tempName(): string {
  counter = (counter + 1) % 0x1_0000_0000;
  return `${TEMP_PREFIX}${PROCESS_TAG}${counter.toString(16).padStart(8, "0")}`;
}

/** A temporary file's name: the prefix and exactly 16 hex digits, as {@link tempName} makes them. */
const TEMP_NAME = /^\.stowage-tmp-[0-9a-f]{16}$/;

/**
 * True when a directory entry's name is one of stowage's temporary files. Only the exact form is
 * ours: a user's `.stowage-tmp-notes.txt` is data, listed and synced like any file.
 */
export function isTempName(name: string): boolean {
  return name.length === TEMP_PREFIX.length + 16 && TEMP_NAME.test(name);
}

/** Rejects a key (or prefix) with a segment that would be mistaken for a temporary file. */
export function assertNotReserved(key: string): void {
  if (key.split("/").some(isTempName)) {
    throw new InvalidPathError(key, `segments named '${TEMP_PREFIX}' and 16 hex digits are reserved for temporary files`);
  }
}
