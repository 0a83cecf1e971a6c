import { Command, Option } from "commander";
import {
  isStowageError,
  syncStorages,
  walkFiles,
  type SnapshotStorage,
  type SyncBackupDir,
  type SyncCompare,
  type SyncError,
  type SyncReport,
} from "@stowage/core";
import { backupFlags, type BackupFlags } from "../backup-flags.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { concurrencyFlag } from "../concurrency-flag.js";
import { FilterFlags } from "../filter-flags.js";
import { ignoredWarning } from "../ignored-warning.js";
import { folderKey } from "../keys.js";
import { beforeOpening, byPlace, refuseSyncOverlaps } from "../folder-overlap.js";
import { SyncOutput } from "../sync-output.js";

interface SyncFlags extends BackupFlags {
  delete: boolean;
  dryRun?: boolean;
  compare: SyncCompare;
  checksum?: boolean;
  concurrency?: string;
  checkers?: string;
  list?: boolean;
  json?: boolean;
  maxDelete?: string;
}

/**
 * `stowage sync [--no-delete] [--dry-run] [--compare RULE | -c] [--concurrency N] [--checkers N] [--list] [--json] [filter flags (see FilterFlags)]
 * [--max-delete N] [--backup-dir LOCATION [--suffix S] [--suffix-keep-extension]]
 * <source> <destination>`.
 */
export function syncCommand(ctx: CommandContext): Command {
  const filters = new FilterFlags();
  const command = new Command("sync")
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
    .addOption(new Option("-c, --checksum", "the same as --compare checksum (rclone's --checksum)").conflicts("compare"))
    .option("--concurrency <n>", "files in flight at once (default 8; more for local-to-local copies, which run on their own threads)")
    .option("--checkers <n>", "files compared at once where a comparison needs a request of its own, such as S3's kept mtime (default: twice --concurrency)")
    .option("--list", "print each file copied, backed up, deleted or ignored, as it happens")
    .option("--json", "print the counts as one JSON object (with --list: JSON lines, one per file, then the counts)");
  return filters
    .addTo(command)
    .option("--max-delete <n>", "delete nothing, and exit 10, if the sync would delete more than n files")
    .option("--backup-dir <location>", "first save each destination file that sync overwrites or deletes here (any store or folder)")
    .option("--suffix <suffix>", "with --backup-dir: add this to the names of saved files (e.g. a date), so runs do not replace each other")
    .option("--suffix-keep-extension", "with --suffix: put the suffix before the file's extension (a-2026.txt, not a.txt-2026)")
    .addHelpText(
      "after",
      "\nCopies new and changed files (keeping their modification times), skips unchanged ones (same\n" +
        "size and time), and deletes destination files missing from the source (unless --no-delete).\n" +
        "If any copy fails, nothing is deleted (exit code 9). Symbolic links are never followed: they\n" +
        "are counted as ignored, with a warning on stderr; a source written file:///dir?links=translate\n" +
        "keeps them as .rclonelink files.\n" +
        "\nFilters are rclone 1.60's (see rclone's Filtering docs). rclone's order, not the command\n" +
        "line's: every --include/--include-from rule, then every --exclude/--exclude-from rule, then\n" +
        "--filter/--filter-from rules ('+ P' includes, '- P' excludes, '!' clears the rules before it);\n" +
        "the first rule that matches decides, and a file no rule matches is kept, except that with any\n" +
        "--include, '- /**' comes last (not for '+ P' filter rules). Mixing --include and --exclude prints\n" +
        "rclone's advice to use --filter. Patterns are globs over paths relative to the two folders: a\n" +
        "leading / anchors at the folder (/build/**), other patterns match at any depth (*.tmp), and a\n" +
        "trailing / matches folders only, never a file of that name (node_modules/). Only * ** ? [...]\n" +
        "{a,b} {{regexp}} and \\ are special; [...] and \\x are RE2 syntax ([^a] negates, [!a] does not).\n" +
        "A malformed pattern is an error (exit 2). The -from flags read a text file (at most 16 MiB, or a\n" +
        "pipe, - for stdin), one rule per line, skipping blank lines and lines starting with # or ;.\n" +
        "--files-from FILE syncs exactly the files listed, and is not allowed with other filters.\n" +
        "Excluded files are neither copied nor deleted; folders excluded whole are not even walked\n" +
        "(counted apart: \"excluded N folders\").\n" +
        "--max-delete N: when more than N destination files would be deleted, none are (the copies\n" +
        "still happen) and sync exits 10.\n" +
        "\n--backup-dir LOCATION (rclone's): before a destination file is replaced or deleted, its old\n" +
        "version is saved in LOCATION under the same relative path (any store URL or path: the same store\n" +
        "or another), with --suffix added to its name if given. A file is replaced only once its old\n" +
        "version is whole there; if saving it fails, that file is left as it was and sync exits 9.\n" +
        "LOCATION must not overlap the source or the destination (exit 2), nor the destination the\n" +
        "source (exit 4), unless a filter excludes the nested folder, as in rclone:\n" +
        "--backup-dir dst/old --exclude '/old/**'. Places are compared as the stores say where they\n" +
        "are (Redis: server run_id, db, namespace; S3: endpoint, bucket, prefix; local: the real\n" +
        "folder, links followed); for a store that does not say, by URL (-v tells). --dry-run saves nothing.\n" +
        "\nExamples:\n  stowage sync ./photos ./backup::photos\n  stowage sync --dry-run --list ./backup s3://bucket/backup?region=eu-west-1\n" +
        "  stowage sync --json redis://localhost:6379/0::cache ./cache-copy\n" +
        "  stowage sync --exclude node_modules/ --exclude '*.tmp' --max-delete 100 ./project s3://bucket/project\n" +
        "  stowage sync --backup-dir s3://bucket/old --suffix -2026-11-30 ./project s3://bucket/project\n",
    )
    .action(async (sourceText: string, targetText: string, flags: SyncFlags) => {
      const from = ctx.location(sourceText);
      const to = ctx.location(targetText);
      // Unset, the engine picks: 8, or more where a native copier queues copies for its own threads.
      const concurrency = flags.concurrency === undefined ? undefined : concurrencyFlag(flags.concurrency);
      const checkers = flags.checkers === undefined ? undefined : concurrencyFlag(flags.checkers, "--checkers");
      const maxDelete = flags.maxDelete === undefined ? undefined : Number(flags.maxDelete);
      if (maxDelete !== undefined && (!/^\d+$/.test(flags.maxDelete ?? "") || !Number.isSafeInteger(maxDelete))) {
        throw new UsageError(`--max-delete must be a whole number of files, got '${flags.maxDelete}'`);
      }
      const { rules: filter, warning } = await filters.rules(ctx.io.signal);
      if (warning !== undefined) ctx.io.stderr.write(`${warning}\n`);
      const backup = backupFlags(ctx, flags);
      const fromPrefix = folderKey(from);
      const toPrefix = folderKey(to);
      const sides = { from, to, backup: backup?.location };
      // Local paths before the destination is opened (and created): through a link it may lie in
      // the source. Then every pair by place, once the stores are open, before any write.
      await refuseSyncOverlaps(beforeOpening, sides, filter);
      const source = await ctx.open(from);
      const target = await ctx.open(to, { create: true });
      const backupDir: SyncBackupDir | undefined =
        backup === undefined ? undefined : { ...backup.options, storage: await ctx.open(backup.location, { create: true }) };
      await refuseSyncOverlaps(byPlace(ctx), sides, filter);
      const dryRun = flags.dryRun === true;
      if (flags.delete && !dryRun) await refuseToEmpty(source, fromPrefix, target, toPrefix, from.text);

      const list = flags.list === true;
      // Listed lines are the progress; a bar redrawn between them on the same terminal would garble both.
      const listOnTerminal = list && (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
      const progress = ctx.progress("starting…", undefined, !listOnTerminal);
      const output = new SyncOutput(ctx, { list, json: flags.json === true, quiet: ctx.options.quiet, dryRun }, progress);
      let report: SyncReport;
      try {
        // Within one store and between two alike: native copies are the engine's business, through
        // the target's syncCopier (two local roots get kernel copies and batched fsyncs too).
        report = await syncStorages(source, fromPrefix, target, toPrefix, {
          deleteExtraneous: flags.delete,
          dryRun,
          compare: flags.checksum === true ? "checksum" : flags.compare,
          ...(concurrency === undefined ? {} : { concurrency }),
          ...(checkers === undefined ? {} : { checkers }),
          onProgress: output.onProgress,
          signal: ctx.abortSignal(),
          filter,
          ...(maxDelete === undefined ? {} : { maxDelete }),
          ...(backupDir === undefined ? {} : { backupDir }),
        });
      } catch (error) {
        progress.stop();
        if (isStowageError(error, "E_SYNC")) output.failed(error as SyncError);
        else if (isStowageError(error, "E_ABORTED")) output.interrupted();
        warnIgnored();
        throw error;
      }
      progress.stop();
      output.done(report);
      warnIgnored();

      function warnIgnored(): void {
        const warning = ignoredWarning(output.ignored, from, list);
        if (warning !== undefined) ctx.io.stderr.write(warning);
      }
    });
}

/**
 * Mirroring a source with no files at all would empty the destination: almost always a mistyped
 * source folder. Checked with the first entry of each side's listing, before anything changes.
 */
async function refuseToEmpty(
  source: SnapshotStorage,
  fromPrefix: string,
  target: SnapshotStorage,
  toPrefix: string,
  from: string,
): Promise<void> {
  if ((await hasFiles(source, fromPrefix)) || !(await hasFiles(target, toPrefix))) return;
  throw new UsageError(`'${from}' has no files, so sync would empty the destination: use --no-delete, or rm -r to empty it`);
}

/** True when some file lies below `prefix`; reads only as far as the first one. */
async function hasFiles(storage: SnapshotStorage, prefix: string): Promise<boolean> {
  for await (const _file of walkFiles(storage, prefix)) return true;
  return false;
}
