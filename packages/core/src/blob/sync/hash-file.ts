import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import type { SnapshotStorage } from "../storage.js";

/** SHA-256 (hex) of a stored file, streamed. Rejects with `SnapshotNotFoundError` when it is missing. */
export async function hashFile(storage: SnapshotStorage, key: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(await storage.read(key), hash);
  return hash.digest("hex");
}
