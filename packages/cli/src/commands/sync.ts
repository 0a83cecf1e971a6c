import { Command, Option } from "commander";
import {
  InvalidPathError,
  SyncError,
  isAdvancedSnapshotStorage,
  syncStorages,
  type SnapshotStorage,
  type SyncCompare,
  type SyncOptions,
  type SyncReport,
} from "@stowage/core";
import type { CommandContext } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { formatBytes } from "../format.js";
import { folderKey } from "../keys.js";
import { locationsOverlap } from "../overlap.js";
import { countBytes, type Progress } from "../progress.js";

interface SyncFlags {
  delete: boolean;
  dryRun?: boolean;
  compare: SyncCompare;
  concurrency: string;
  json?: boolean;
}

/** `stowage sync [--no-delete] [--dry-run] [--json] <source> <destination>`. */
export function syncCommand(ctx: CommandContext): Command {
  return new Command("sync")
    .description("mirror a folder onto another, in one store or between two (like rclone sync)")
    .argument("<source>", "store or store::folder to copy from")
    .argument("<destination>", "store or store::folder to make identical to the source")
    .option("--no-delete", "keep destination files that the source does not have")
    .option("-n, --dry-run", "show what would change, change nothing")
    .addOption(
      new Option("--compare <rule>", "when a destination file counts as up to date")
        .choices(["auto", "size", "checksum"])
        .default("auto"),
    )
    .option("--concurrency <n>", "files in flight at once", "8")
    .option("--json", "print the sync report as JSON")
    .addHelpText(
      "after",
      "\nCopies new and changed files, skips unchanged ones, and deletes destination files missing\n" +
        "from the source (unless --no-delete). If any copy fails, nothing is deleted (exit code 9).\n" +
        "\nExamples:\n  stowage sync ./photos ./backup::photos\n  stowage sync --dry-run ./backup s3://bucket/backup?region=eu-west-1\n  stowage sync --json redis://localhost:6379/0::cache ./cache-copy\n",
    )
    .action(async (sourceText: string, targetText: string, flags: SyncFlags) => {
      const from = ctx.location(sourceText);
      const to = ctx.location(targetText);
      const concurrency = Number(flags.concurrency);
      if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
        throw new UsageError(`--concurrency must be a positive integer, got '${flags.concurrency}'`);
      }
      const fromPrefix = folderKey(from);
      const toPrefix = folderKey(to);
      const source = await ctx.open(from);
      const target = await ctx.open(to, { create: true });
      if (source !== target && locationsOverlap(from, to)) {
        throw new InvalidPathError(to.text, `it overlaps the source '${from.text}'`);
      }

      if (flags.delete && !flags.dryRun) await refuseToEmpty(source, fromPrefix, target, toPrefix, from.text);
      const progress = ctx.progress("planning…");
      const options: SyncOptions = {
        deleteExtraneous: flags.delete,
        dryRun: flags.dryRun === true,
        compare: flags.compare,
        concurrency,
      };
      let report: SyncReport;
      try {
        report = await runSync(source, fromPrefix, target, toPrefix, options, progress);
      } catch (error) {
        progress.stop();
        if (error instanceof SyncError && flags.json) {
          ctx.printJson({ ...error.report, failures: error.failures.map((f) => ({ path: f.path, error: messageOf(f.error) })) });
        }
        throw error;
      }
      progress.stop();
      if (flags.json) return ctx.printJson(report);
      printReport(ctx, report);
    });
}

/**
 * Inside one store, the backend's own sync (native copies, its overlap rules); between stores,
 * core's streaming `syncStorages`, with the source's reads counted for the progress bar.
 */
async function runSync(
  source: SnapshotStorage,
  fromPrefix: string,
  target: SnapshotStorage,
  toPrefix: string,
  options: SyncOptions,
  progress: Progress,
): Promise<SyncReport> {
  let copying = false;
  const tracked: SyncOptions = {
    ...options,
    onPlan(plan) {
      copying = true;
      progress.setTotal(plan.bytesCopied);
    },
    onProgress(event) {
      progress.setLabel(`${event.done}/${event.total} files`);
      // Within one store the bytes never pass through here: count whole files as they finish.
      if (source === target && event.action === "copy" && !options.dryRun) progress.advance(event.bytes);
    },
  };
  if (source === target) {
    return isAdvancedSnapshotStorage(source)
      ? source.sync(fromPrefix, toPrefix, tracked)
      : syncStorages(source, fromPrefix, source, toPrefix, tracked);
  }
  // Only the copy phase counts: checksum comparison reads the same files before it.
  const counted = countingReads(source, (bytes) => {
    if (copying) progress.advance(bytes);
  });
  return syncStorages(counted, fromPrefix, target, toPrefix, tracked);
}

/** `storage`, except that every stream `read` returns reports its bytes to `onBytes`. */
function countingReads(storage: SnapshotStorage, onBytes: (bytes: number) => void): SnapshotStorage {
  return new Proxy(storage, {
    get(target, property) {
      if (property === "read") return async (key: string) => countBytes(await target.read(key), onBytes);
      const value: unknown = Reflect.get(target, property, target);
      // Methods are bound to the real object (adapters keep state in private fields a Proxy
      // cannot reach); the constructor is not a method, and it names the backend.
      if (typeof value !== "function" || property === "constructor") return value;
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

/**
 * Mirroring a source with no files at all would empty the destination: almost always a mistyped
 * source folder. Checked with one listing of each side, before anything changes.
 */
async function refuseToEmpty(
  source: SnapshotStorage,
  fromPrefix: string,
  target: SnapshotStorage,
  toPrefix: string,
  from: string,
): Promise<void> {
  if ((await source.list(fromPrefix)).length > 0 || (await target.list(toPrefix)).length === 0) return;
  throw new UsageError(`'${from}' has no files, so sync would empty the destination: use --no-delete, or rm -r to empty it`);
}

function printReport(ctx: CommandContext, report: SyncReport): void {
  const verb = report.dryRun ? "would " : "";
  for (const path of report.copied) ctx.print(`${verb}copy    ${path}`);
  for (const path of report.deleted) ctx.print(`${verb}delete  ${path}`);
  const copied = `${report.copied.length} file${report.copied.length === 1 ? "" : "s"} (${formatBytes(report.bytesCopied)})`;
  ctx.print(
    `${report.dryRun ? "dry run: would copy" : "copied"} ${copied}, skipped ${report.skipped.length} unchanged, ` +
      `${report.dryRun ? "would delete" : "deleted"} ${report.deleted.length}`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
