import { isAdvancedSnapshotStorage } from "./guards.js";
import { compareKeys, normalizePrefix } from "./path.js";
import type { SnapshotStorage } from "./storage.js";

/**
 * Every file key under folder `prefix`, sorted: `recursiveList` on the advanced tier, otherwise a
 * walk of one-level `list` calls, so basic-tier backends can be mirrored too.
 */
export async function listRecursive(storage: SnapshotStorage, prefix: string): Promise<string[]> {
  if (isAdvancedSnapshotStorage(storage)) return storage.recursiveList(prefix);
  const files: string[] = [];
  const pending = [normalizePrefix(prefix)];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    for (const entry of await storage.list(folder)) {
      if (entry.endsWith("/")) pending.push(entry.slice(0, -1));
      else files.push(entry);
    }
  }
  return files.sort(compareKeys);
}
