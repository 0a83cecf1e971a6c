import { Command } from "commander";
import { backendName, canCollectGarbage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { CliError, EXIT_CODES, UsageError } from "../exit-codes.js";

/** What `stowage gc --json` prints. */
export interface GcOutput {
  /** Leftovers older than the age given. */
  found: number;
  /** How many were removed (0 on a dry run). */
  removed: number;
  dryRun: boolean;
  /** `--older-than`, in ms. */
  olderThanMs: number;
}

/** `stowage gc --older-than <duration> [--dry-run] [--json] <store>`. */
export function gcCommand(ctx: CommandContext): Command {
  return new Command("gc")
    .description("remove what interrupted writes left behind: local temp files, staged Redis content, incomplete S3 uploads")
    .argument("<store>", "the store (no ::key): a local folder, redis://…, s3://bucket/prefix")
    .requiredOption("--older-than <duration>", "only leftovers untouched for this long: 30m, 1h, 2d, 1h30m (a unit is required)")
    .option("--dry-run", "count what would be removed, remove nothing")
    .option("--json", "print {found, removed, dryRun, olderThanMs}")
    .addHelpText(
      "after",
      "\nA write in progress keeps refreshing its leftovers, so an age longer than any one write takes\n" +
        "never touches it; 1h is a safe choice. Exit code 5 for a backend without leftovers to collect.\n" +
        "\nExamples:\n  stowage gc ./backup --older-than 1h\n  stowage gc s3://bucket/backups --older-than 1d --dry-run\n",
    )
    .action(async (text: string, flags: { olderThan: string; dryRun?: boolean; json?: boolean }) => {
      const olderThanMs = parseDuration(flags.olderThan, "--older-than");
      const location = ctx.location(text);
      if (location.key !== "") throw new UsageError("gc works on a whole store: drop the '::<key>' part");
      const storage = await ctx.open(location);
      if (!canCollectGarbage(storage)) {
        throw new CliError(`gc: ${backendName(storage)} keeps no leftovers to collect (it has no collectGarbage)`, EXIT_CODES.capability);
      }
      const dryRun = flags.dryRun === true;
      const report = await storage.collectGarbage({ olderThanMs, dryRun });
      const output: GcOutput = { found: report.found, removed: report.removed, dryRun, olderThanMs };
      if (flags.json) return ctx.printJson(output);
      if (ctx.options.quiet) return;
      const age = flags.olderThan.trim();
      ctx.print(
        dryRun
          ? `would remove ${report.found} leftover${report.found === 1 ? "" : "s"} older than ${age} (dry run: nothing removed)`
          : `removed ${report.removed} of ${report.found} leftover${report.found === 1 ? "" : "s"} older than ${age}`,
      );
    });
}
