import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import type { SnapshotStorage } from "../storage.js";

/**
 * A digest (hex) of a stored file, streamed through `read`: SHA-256 unless `algorithm` names
 * another of Node's (`"md5"`). Rejects with `SnapshotNotFoundError` when it is missing.
 */
export async function hashFile(storage: SnapshotStorage, key: string, algorithm = "sha256", signal?: AbortSignal): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(await storage.read(key, { signal }), hash, { signal });
  return hash.digest("hex");
}
