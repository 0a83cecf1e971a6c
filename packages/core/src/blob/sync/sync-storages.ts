import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { mapSettled } from "../../concurrency.js";
import { toChunks, type WriteContent } from "../content.js";
import { InvalidPathError, SnapshotNotFoundError } from "../../errors.js";
import { backendName, isAdvancedSnapshotStorage } from "../guards.js";
import { compareKeys, joinKey, normalizePrefix, prefixesOverlap, relativeKey } from "../path.js";
import type { FileStat, SnapshotStorage, SyncOptions, SyncReport } from "../storage.js";
import { listRecursive } from "../walk.js";
import { planSync, type SyncEntry } from "./plan.js";
import { SyncError } from "./sync-error.js";

/** Ways a backend can make {@link syncStorages} faster inside itself. */
export interface SyncHooks {
  /** Copies one file inside the backend (server-side copy, `copy_file_range`, ...). */
  copy?: (sourceKey: string, targetKey: string) => Promise<void>;
  /** Lists every file under a folder with its stat in one go (S3 listings carry sizes and etags). */
  listStats?: (prefix: string) => Promise<FileStat[]>;
}

const STAT_CONCURRENCY = 16;
/** Just under a second: covers backends that truncate times to whole seconds. */
const CROSS_BACKEND_MTIME_TOLERANCE_MS = 999;

/**
 * Mirrors `sourcePrefix` of `source` onto `targetPrefix` of `target` (see
 * {@link AdvancedSnapshotStorage.sync} for the rules). Works between any two backends through the
 * basic tier, streaming each file; advanced backends pass `hooks` to copy and list natively.
 * Without `stat` on either side, files are compared by content hash.
 */
export async function syncStorages(
  source: SnapshotStorage,
  sourcePrefix: string,
  target: SnapshotStorage,
  targetPrefix: string,
  options: SyncOptions = {},
  hooks: SyncHooks = {},
): Promise<SyncReport> {
  const from = normalizePrefix(sourcePrefix);
  const to = normalizePrefix(targetPrefix);
  if (source === target && prefixesOverlap(from, to)) {
    throw new InvalidPathError(targetPrefix, `sync prefixes '${from}' and '${to}' overlap`);
  }
  const { dryRun = false, deleteExtraneous = true, compare = "auto", concurrency = 8, onProgress } = options;

  const [sourceEntries, targetEntries] = await Promise.all([
    listEntries(source, from, hooks.listStats),
    listEntries(target, to, source === target ? hooks.listStats : undefined),
  ]);
  // Etags and timestamps only compare exactly within one kind of backend (Redis' and S3's etags
  // differ for equal content; S3 keeps whole seconds): across kinds, "auto" compares sizes and
  // times, with a second's tolerance.
  const sameKind = backendName(source) === backendName(target);
  const plan = planSync(sourceEntries, sameKind ? targetEntries : targetEntries.map(withoutEtag), {
    compare,
    deleteExtraneous,
    mtimeTolerance: sameKind ? 0 : CROSS_BACKEND_MTIME_TOLERANCE_MS,
  });

  const checked = await mapSettled(plan.check, concurrency, async (entry) =>
    (await sameContent(source, joinKey(from, entry.path), target, joinKey(to, entry.path))) ? "skip" : "copy",
  );
  plan.check.forEach((entry, i) => {
    const verdict = checked[i];
    if (verdict?.status === "rejected") throw verdict.reason;
    plan[verdict?.value === "skip" ? "skip" : "copy"].push(entry);
  });

  plan.copy.sort(byPath);
  plan.skip.sort(byPath);
  const report: SyncReport = {
    copied: plan.copy.map((entry) => entry.path),
    skipped: plan.skip.map((entry) => entry.path),
    deleted: plan.delete.map((entry) => entry.path),
    bytesCopied: plan.copy.reduce((sum, entry) => sum + Math.max(entry.size, 0), 0),
    dryRun,
  };
  options.onPlan?.({ ...report, copied: [...report.copied], skipped: [...report.skipped], deleted: [...report.deleted] });
  const total = plan.copy.length + plan.skip.length + plan.delete.length;
  let done = 0;
  const progress = (action: "copy" | "skip" | "delete", entry: SyncEntry) =>
    onProgress?.({ action, path: entry.path, bytes: action === "delete" ? 0 : Math.max(entry.size, 0), done: ++done, total });

  for (const entry of plan.skip) progress("skip", entry);
  if (dryRun) {
    for (const entry of plan.copy) progress("copy", entry);
    for (const entry of plan.delete) progress("delete", entry);
    return report;
  }

  const copyOne = async (entry: SyncEntry): Promise<void> => {
    const sourceKey = joinKey(from, entry.path);
    const targetKey = joinKey(to, entry.path);
    if (hooks.copy && source === target) return hooks.copy(sourceKey, targetKey);
    const content = await source.read(sourceKey);
    try {
      if (entry.size >= 0) return await target.write(targetKey, content);
      // A source without stat: the size is known once the bytes have flowed, for the report.
      let size = 0;
      await target.write(targetKey, counted(content, (bytes) => (size += bytes)));
      entry.size = size;
    } catch (error) {
      // A write that failed before draining its source must not leave the source open (a file
      // descriptor, a socket) until garbage collection.
      content.destroy();
      throw error;
    }
  };
  const copies = await mapSettled(plan.copy, concurrency, async (entry) => {
    await copyOne(entry);
    progress("copy", entry);
  });
  const failures = copies.flatMap((result, i) =>
    result.status === "rejected" ? [{ path: plan.copy[i]?.path ?? "", error: result.reason as unknown }] : [],
  );
  const failed = new Set(failures.map((failure) => failure.path));
  const succeeded = plan.copy.filter((entry) => !failed.has(entry.path));
  report.bytesCopied = succeeded.reduce((sum, entry) => sum + Math.max(entry.size, 0), 0);
  if (failures.length > 0) {
    report.copied = succeeded.map((entry) => entry.path);
    report.deleted = [];
    throw new SyncError(report, failures);
  }

  const deletes = await mapSettled(plan.delete, concurrency, async (entry) => {
    await target.delete(joinKey(to, entry.path));
    progress("delete", entry);
  });
  const deleteFailure = deletes.find((result) => result.status === "rejected");
  if (deleteFailure) throw deleteFailure.reason;
  return report;
}

const byPath = (a: SyncEntry, b: SyncEntry): number => compareKeys(a.path, b.path);

function withoutEtag({ etag: _etag, ...entry }: SyncEntry): SyncEntry {
  return entry;
}

async function listEntries(
  storage: SnapshotStorage,
  prefix: string,
  listStats: SyncHooks["listStats"],
): Promise<SyncEntry[]> {
  const stats = listStats
    ? await listStats(prefix)
    : await statAll(storage, await listRecursive(storage, prefix));
  return stats.map((stat) => ({ ...stat, path: relativeKey(stat.path, prefix) }));
}

async function statAll(storage: SnapshotStorage, keys: string[]): Promise<FileStat[]> {
  // Without stat, size -1 makes the planner fall back to comparing content hashes.
  if (!isAdvancedSnapshotStorage(storage)) return keys.map((path) => ({ path, size: -1, mtime: new Date(0) }));
  const settled = await mapSettled(keys, STAT_CONCURRENCY, (key) => storage.stat(key));
  return settled.flatMap((result) => {
    if (result.status === "fulfilled") return [result.value];
    // A file deleted between listing and stat simply drops out of this sync.
    if (result.reason instanceof SnapshotNotFoundError) return [];
    throw result.reason;
  });
}

async function sameContent(a: SnapshotStorage, aKey: string, b: SnapshotStorage, bKey: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a, aKey), sha256(b, bKey)]);
  return x === y;
}

/** Passes chunks through, telling `onBytes` the size of each. */
async function* counted(content: WriteContent, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of toChunks(content)) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}

/** SHA-256 (hex) of a stored file, streamed. */
export async function hashFile(storage: SnapshotStorage, key: string): Promise<string> {
  return sha256(storage, key);
}

async function sha256(storage: SnapshotStorage, key: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(await storage.read(key), hash);
  return hash.digest("hex");
}
