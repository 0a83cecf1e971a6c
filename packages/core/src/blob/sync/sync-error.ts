import { StowageError } from "../../errors.js";
import type { SyncReport } from "../storage.js";

/**
 * A sync could not copy every file. Nothing was deleted; `report` lists what was copied before the
 * failure was known, and `failures` each file that failed with its error.
 */
export class SyncError extends StowageError {
  /** What the sync managed to do. */
  readonly report: SyncReport;
  /** Each failed file (relative path) with its error. */
  readonly failures: ReadonlyArray<{ path: string; error: unknown }>;

  constructor(report: SyncReport, failures: ReadonlyArray<{ path: string; error: unknown }>) {
    const first = failures[0];
    super(
      "E_SYNC",
      `Sync failed for ${failures.length} file(s)${first ? `, first '${first.path}': ${messageOf(first.error)}` : ""}; nothing was deleted`,
      { cause: first?.error },
    );
    this.report = report;
    this.failures = failures;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
