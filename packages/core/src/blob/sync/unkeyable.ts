import { isValidKey, joinKey } from "../path.js";

/**
 * True when a source file listed at `sourceKey` cannot be synced to `path` below target folder
 * `to` because one of the two is not a valid key (a backend may list a name stowage cannot
 * address: a path over 1,024 bytes, made of segments each short enough), or the target's longer
 * folder makes it too long. Sync and check pass such a file over as an entry with reason
 * `invalid-name`, as listings pass over Latin-1 bytes, `Icon\r` or a backslash: counted and named,
 * never a failed copy that would keep the delete pass from running.
 */
export function unkeyable(sourceKey: string, to: string, path: string): boolean {
  return !isValidKey(sourceKey) || !isValidKey(joinKey(to, path));
}
