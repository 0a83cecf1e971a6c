import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { StoragePlace } from "@stowage/core";

/**
 * Where local folder `folder` (an absolute path; it need not exist) really is, for sync's overlap
 * checks (core's `PlacedStorage`): the `dev:ino` of every folder from the root down to its nearest
 * existing ancestor (symbolic links resolved with `realpath`), then the segments that do not exist
 * yet. Two paths reaching one folder through a link, a bind mount or another letter case give the
 * same place; a folder below another gives a longer path with the same start. Rejects with the
 * file system's error only when no ancestor can be read at all.
 */
export async function localPlace(folder: string): Promise<StoragePlace> {
  const missing: string[] = [];
  let existing = path.resolve(folder);
  let real: string;
  for (;;) {
    try {
      real = await realpath(existing);
      break;
    } catch (error) {
      const parent = path.dirname(existing);
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOENT" && code !== "ENOTDIR") || parent === existing) throw error;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  const ancestors: string[] = [];
  for (let current = real; ; current = path.dirname(current)) {
    ancestors.unshift(current);
    if (path.dirname(current) === current) break;
  }
  const ids = await Promise.all(ancestors.map(async (ancestor) => {
    const info = await stat(ancestor, { bigint: true });
    return `${info.dev}:${info.ino}`;
  }));
  const names = ancestors.map((ancestor) => path.basename(ancestor));
  return { space: "local", path: [...ids, ...missing], names: [...names, ...missing] };
}
