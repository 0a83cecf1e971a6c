import type { SkippedEntry, SyncError, SyncProgress, SyncReport } from "@stowage/core";
import type { CommandContext } from "./context.js";
import { errorText } from "./error-text.js";
import { formatBytes } from "./format.js";
import { ignoredNoun, printableName } from "./ignored-warning.js";
import type { Progress } from "./progress.js";
import { jsonText } from "./json-text.js";

/** How `stowage sync` reports: chosen by `--list`, `--json` and the global `--quiet`. */
export interface SyncOutputMode {
  /** One line (or, with `json`, one JSON object) per copied, deleted or ignored file, as it happens. */
  list: boolean;
  /** JSON on stdout: one object at the end, or JSON lines with `list`. */
  json: boolean;
  /** No summary line (the warning about ignored entries still goes to stderr). */
  quiet: boolean;
  /** Listed lines say `would copy`, `would delete`; no bytes count as copied. */
  dryRun: boolean;
}

/**
 * One line of `sync --list --json`: an event as it happens. Unchanged (skipped) and excluded files
 * are counted in the report, not listed. A `backup` line (with `--backup-dir`) comes before the
 * `copy` or `delete` line of the same file, once its old version is saved; `bytes` is its size
 * where known.
 */
export type SyncEventLine =
  | { type: "copy"; path: string; bytes: number }
  | { type: "backup"; path: string; bytes: number }
  | { type: "delete"; path: string }
  | { type: "ignore"; path: string; reason: SkippedEntry["reason"] };

/**
 * What `sync --json` prints when some files failed (exit code 9): the counts so far (core's
 * `SyncReport`, which is also what it prints on success), and why.
 */
export interface SyncFailureOutput extends SyncReport {
  /** Files that failed, in all. */
  failureCount: number;
  /**
   * `copy`: a copy failed, nothing was deleted. `delete`: every copy succeeded, some deletes failed.
   * `max-delete` (exit code 10): every copy succeeded, and more files than `--max-delete` would
   * have been deleted, so none were.
   */
  stage: SyncError["stage"];
  /** With `stage: "max-delete"`: how many files the sync would have deleted. */
  deleteCount?: number;
  /**
   * The first failures (at most 100), each with its error's message (completed, when it says
   * nothing, with the error's code, HTTP status and causes); `step: "backup"` when saving
   * the old version to `--backup-dir` failed (that destination file was left as it was).
   */
  failures: Array<{ path: string; error: string; step?: "backup" }>;
}

/** Which kinds of source entries a sync passed over, counted by reason (never by path). */
export type IgnoredTally = Record<SkippedEntry["reason"], number>;

/**
 * Turns a running sync's events into output while it runs, and its report into the final output.
 * Holds counters only, never paths: the output of a sync of ten million files costs no memory.
 */
export class SyncOutput {
  readonly ignored: IgnoredTally = { link: 0, special: 0, "invalid-name": 0 };
  readonly #ctx: CommandContext;
  readonly #mode: SyncOutputMode;
  readonly #progress: Progress;
  #copied = 0;
  /** What the events said so far: the report of a sync that was interrupted. */
  readonly #sofar: SyncReport;

  constructor(ctx: CommandContext, mode: SyncOutputMode, progress: Progress) {
    this.#ctx = ctx;
    this.#mode = mode;
    this.#progress = progress;
    this.#sofar = { copied: 0, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 0, dryRun: mode.dryRun };
  }

  /** The sync's `onProgress`: advances the bar, tallies ignored entries, prints listed lines. */
  readonly onProgress = (event: SyncProgress): void => {
    this.#tally(event);
    if (event.action === "copy" && !this.#mode.dryRun) {
      this.#copied++;
      this.#progress.advance(event.bytes);
    }
    this.#progress.setLabel(`${event.done} files, ${this.#copied} copied`);
    if (event.action === "ignore") this.ignored[event.reason ?? "special"]++;
    // Unchanged and excluded files can be most of a tree: counted, never listed.
    if (!this.#mode.list || event.action === "skip" || event.action === "exclude") return;
    if (this.#mode.json) this.#ctx.io.stdout.write(`${jsonText(eventLine(event))}\n`);
    else this.#ctx.print(humanLine(event, this.#mode.dryRun));
  };

  /** Prints the outcome of a sync that finished. */
  done(report: SyncReport): void {
    const counts = countsOf(report);
    if (this.#mode.json) return this.#printJson(counts);
    if (!this.#mode.quiet) this.#ctx.print(summary(counts));
  }

  /** Prints what an interrupted sync did before it stopped, from its events. */
  interrupted(): void {
    this.done(this.#sofar);
  }

  #tally(event: SyncProgress): void {
    const counts = this.#sofar;
    if (event.action === "copy") {
      counts.copied++;
      counts.bytesCopied += event.bytes;
    } else if (event.action === "skip") counts.skipped++;
    else if (event.action === "delete") counts.deleted++;
    else if (event.action === "backup") counts.backedUp++;
    else if (event.action === "ignore") counts.ignored++;
    else counts.excluded++;
  }

  /** Prints what a failed sync (exit code 9) managed, before its error is reported on stderr. */
  failed(error: SyncError): void {
    const counts = countsOf(error.report);
    if (!this.#mode.json) {
      if (!this.#mode.quiet) this.#ctx.print(summary(counts));
      return;
    }
    const output: SyncFailureOutput = {
      ...counts,
      failureCount: error.failureCount,
      stage: error.stage,
      failures: error.failures.map((failure) => ({
        path: failure.path,
        error: errorText(failure.error),
        ...(failure.step === undefined ? {} : { step: failure.step }),
      })),
    };
    if (error.stage === "max-delete") output.deleteCount = error.deleteCount;
    this.#printJson(output);
  }

  #printJson(value: SyncReport): void {
    if (this.#mode.list) this.#ctx.io.stdout.write(`${jsonText({ type: "report", ...value })}\n`);
    else this.#ctx.printJson(value);
  }
}

/** The report's counts alone, in a fixed order, whatever else the object carries. */
function countsOf(report: SyncReport): SyncReport {
  const { copied, skipped, deleted, backedUp, ignored, excluded, excludedFolders, bytesCopied, dryRun } = report;
  // Folders skipped whole by a filter: a field only when there were some, as in core's report.
  const folders = excludedFolders === undefined ? {} : { excludedFolders };
  return { copied, skipped, deleted, backedUp, ignored, excluded, ...folders, bytesCopied, dryRun };
}

function eventLine(event: SyncProgress): SyncEventLine {
  if (event.action === "copy") return { type: "copy", path: event.path, bytes: event.bytes };
  if (event.action === "backup") return { type: "backup", path: event.path, bytes: event.bytes };
  if (event.action === "delete") return { type: "delete", path: event.path };
  return { type: "ignore", path: event.path, reason: event.reason ?? "special" };
}

function humanLine(event: SyncProgress, dryRun: boolean): string {
  if (event.action === "ignore") return `ignore  ${printableName(event.path)} (${ignoredNoun(event.reason ?? "special")})`;
  const verb = event.action === "backup" ? "back up" : event.action;
  return `${dryRun ? "would " : ""}${verb.padEnd(8)}${event.path}`;
}

function summary(report: SyncReport): string {
  const files = `${report.copied} file${report.copied === 1 ? "" : "s"} (${formatBytes(report.bytesCopied)})`;
  const folders = report.excludedFolders ?? 0;
  const ignored =
    `${report.ignored > 0 ? `, ignored ${report.ignored}` : ""}${report.excluded > 0 ? `, excluded ${report.excluded}` : ""}` +
    `${folders > 0 ? `, excluded ${folders} folder${folders === 1 ? "" : "s"}` : ""}`;
  return (
    `${report.dryRun ? "dry run: would copy" : "copied"} ${files}, skipped ${report.skipped} unchanged, ` +
    `${report.dryRun ? "would delete" : "deleted"} ${report.deleted}${backedUp(report)}${ignored}`
  );
}

/** The summary's backup part: only when something was (or would be) backed up. */
function backedUp(report: SyncReport): string {
  if (report.backedUp === 0) return "";
  return `, ${report.dryRun ? "would back up" : "backed up"} ${report.backedUp} old version${report.backedUp === 1 ? "" : "s"}`;
}
