import { compareKeys, type SyncProgress, type SyncReport } from "@stowage/core";

/** A sync's counts, plus the paths its progress events named, per action, sorted by compareKeys. */
export interface LoggedSync extends SyncReport {
  paths: Record<SyncProgress["action"], string[]>;
}

/**
 * Runs `sync` with an `onProgress` that records every event, and checks what only events can show:
 * numbered 1..n, and each count of the report equal to the events of its action.
 */
export async function logSync(sync: (onProgress: (event: SyncProgress) => void) => Promise<SyncReport>): Promise<LoggedSync> {
  const paths: LoggedSync["paths"] = { copy: [], skip: [], delete: [], backup: [], ignore: [], exclude: [] };
  let done = 0;
  const report = await sync((event) => {
    if (event.done !== ++done) throw new Error(`progress event ${done} was numbered ${event.done}`);
    paths[event.action].push(event.path);
  });
  for (const list of Object.values(paths)) list.sort(compareKeys);
  const counts = {
    copied: paths.copy.length, skipped: paths.skip.length, deleted: paths.delete.length, backedUp: paths.backup.length, ignored: paths.ignore.length,
    excluded: paths.exclude.length,
  };
  for (const [key, count] of Object.entries(counts)) {
    if (report[key as keyof typeof counts] !== count) {
      throw new Error(`the report counts ${report[key as keyof typeof counts]} ${key}, but progress events named ${count}`);
    }
  }
  return { ...report, paths };
}
