import assert from "node:assert/strict";
import { isUnderPrefix, type AdvancedSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import { readBytes, sha256 } from "./bytes.js";
import type { SuiteSettings } from "./api.js";

/**
 * Every file key in the storage: `recursiveList("")` on the advanced tier, otherwise a walk of
 * one-level `list` calls. The walk refuses entries outside the folder it lists, so a broken
 * `list` fails here instead of looping forever.
 */
export async function allKeys(storage: SnapshotStorage, settings: SuiteSettings): Promise<string[]> {
  if (settings.advanced) return (storage as AdvancedSnapshotStorage).recursiveList("");
  const files: string[] = [];
  const pending = [""];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    for (const entry of await storage.list(folder)) {
      const key = entry.endsWith("/") ? entry.slice(0, -1) : entry;
      assert.ok(key !== folder && isUnderPrefix(key, folder), `list('${folder}') returned '${entry}', which is not inside it`);
      if (entry.endsWith("/")) pending.push(key);
      else files.push(entry);
    }
  }
  return files.sort();
}

/** Every file with a hash of its content: what "nothing changed" is checked against. */
export async function snapshotAll(storage: SnapshotStorage, settings: SuiteSettings): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const key of await allKeys(storage, settings)) state.set(key, sha256(await readBytes(storage, key)));
  return state;
}

/** Asserts that no file appeared, disappeared or changed since `before` was taken. */
export async function assertUnchanged(
  storage: SnapshotStorage,
  settings: SuiteSettings,
  before: Map<string, string>,
  what: string,
): Promise<void> {
  const after = await snapshotAll(storage, settings);
  assert.deepEqual(
    [...after.entries()].sort(),
    [...before.entries()].sort(),
    `${what} must change nothing, but the stored files (key, sha256) differ`,
  );
}

/** Writes each `key: content` pair, in the order given. */
export async function writeAll(storage: SnapshotStorage, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [key, content] of Object.entries(files)) await storage.write(key, content);
}
