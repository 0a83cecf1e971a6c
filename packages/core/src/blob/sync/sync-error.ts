import { standsFor } from "../../error-brand.js";
import { StowageError } from "../../errors.js";
import type { SyncReport } from "../storage.js";

/** How many failed files a {@link SyncError} lists; `failureCount` counts them all. */
export const MAX_LISTED_FAILURES = 100;

/** One file a sync could not handle, with its error. */
export interface SyncFailure {
  /** The file, relative to both prefixes. */
  path: string;
  error: unknown;
  /**
   * `backup` when saving the target's old version in {@link SyncOptions.backupDir} failed, so the
   * file was neither replaced nor deleted: the target keeps it as it was. Absent otherwise.
   */
  step?: "backup";
}

/**
 * A sync could not handle every file (code `E_SYNC`).
 *
 * - `stage: "copy"`: some copies (or the comparisons or backups before them) failed, so nothing
 *   was deleted.
 * - `stage: "delete"`: every copy succeeded, and some extra target files could not be deleted (or
 *   backed up first: those are left in place).
 * - `stage: "max-delete"`: every copy succeeded, and the sync would have deleted `deleteCount`
 *   target files, more than {@link SyncOptions.maxDelete}, so it deleted none. `failures` is empty.
 *
 * `report` counts what the sync did before it stopped; `failures` lists the first
 * {@link MAX_LISTED_FAILURES} failed files, and `failureCount` counts all of them.
 */
export class SyncError extends StowageError {
  static {
    standsFor(this, ["E_SYNC"]);
  }

  /** What the sync managed to do. */
  readonly report: SyncReport;
  /** The first failed files (relative paths), each with its error. */
  readonly failures: readonly SyncFailure[];
  /** How many files failed in all. */
  readonly failureCount: number;
  /** Which pass failed. */
  readonly stage: "copy" | "delete" | "max-delete";
  /** For `stage: "max-delete"`: how many target files the sync would have deleted; else 0. */
  readonly deleteCount: number;

  constructor(report: SyncReport, failures: readonly SyncFailure[], failureCount: number, stage: "copy" | "delete");
  constructor(report: SyncReport, stage: "max-delete", deleteCount: number, maxDelete: number);
  constructor(
    report: SyncReport,
    failuresOrStage: readonly SyncFailure[] | "max-delete",
    count: number,
    stageOrLimit: "copy" | "delete" | number,
  ) {
    if (typeof failuresOrStage === "string") {
      super(
        "E_SYNC",
        `Sync would delete ${count} file(s), more than maxDelete (${String(stageOrLimit)}), so it deleted none; every copy succeeded`,
      );
      this.failures = [];
      this.failureCount = 0;
      this.stage = "max-delete";
      this.deleteCount = count;
    } else {
      const first = failuresOrStage[0];
      const stage = stageOrLimit as "copy" | "delete";
      const outcome = stage === "copy" ? "nothing was deleted" : "every copy succeeded";
      super(
        "E_SYNC",
        `Sync failed to ${stage} ${count} file(s)${first ? `, first '${first.path}'${first.step === "backup" ? " (backing up its old version)" : ""}: ${messageOf(first.error)}` : ""}; ${outcome}`,
        { cause: first?.error },
      );
      this.failures = failuresOrStage;
      this.failureCount = count;
      this.stage = stage;
      this.deleteCount = 0;
    }
    this.report = report;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
