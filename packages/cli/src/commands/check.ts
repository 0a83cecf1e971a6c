import { Command } from "commander";
import { checkStorages, InvalidPathError, type CheckDifference, type CheckReport } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { CliError, EXIT_CODES } from "../exit-codes.js";
import { concurrencyFlag } from "../concurrency-flag.js";
import { FilterFlags } from "../filter-flags.js";
import { folderKey } from "../keys.js";
import { byPlace, refused } from "../folder-overlap.js";

interface CheckFlags {
  checksum?: boolean;
  oneWay?: boolean;
  json?: boolean;
  list?: boolean;
  concurrency: string;
}

/** What a listed difference says before its path, in plain output. */
const LABELS: Record<CheckDifference["kind"], string> = { "only-in-a": "only in A", "only-in-b": "only in B", differs: "differs" };

/**
 * `stowage check [--checksum] [--one-way] [--json] [--list] [filter flags (see FilterFlags)] <a> <b>`: rclone's `check`. Compares
 * with core's `checkStorages`, the decision `sync` makes, changing nothing; exits 0 when the two
 * match and {@link EXIT_CODES.differ} when they do not.
 */
export function checkCommand(ctx: CommandContext): Command {
  const filters = new FilterFlags();
  const command = new Command("check")
    .description("compare two folders, in one store or between two, changing neither (like rclone check)")
    .argument("<a>", "store or store::folder")
    .argument("<b>", "store or store::folder to compare it with")
    .option("--checksum", "compare contents (SHA-256 of both, streamed) instead of size and modification time")
    .option("--one-way", "only check that A's files are in B and equal; files only in B are fine")
    .option("--concurrency <n>", "files compared at once", "8")
    .option("--list", "print each difference, as it is found")
    .option("--json", "print the counts as one JSON object (with --list: JSON lines, one per difference, then the counts)");
  return filters
    .addTo(command)
    .addHelpText(
      "after",
      "\nA file differs when `stowage sync A B` would copy it: sizes differ, or (by default) modification\n" +
        "times differ, or with --checksum contents differ. Exits 0 when the folders match, 11 when\n" +
        "they differ. The filter flags are sync's (rclone's; see stowage sync --help): excluded files are\n" +
        "not compared, so check agrees with a sync given the same filters, and the summary says how many\n" +
        "files and folders the filters left out.\n" +
        "\nExamples:\n  stowage check ./project s3://bucket/project\n  stowage check --exclude node_modules/ ./project s3://bucket/project\n  stowage check --checksum --one-way --list ./photos ./backup::photos\n",
    )
    .action(async (aText: string, bText: string, flags: CheckFlags) => {
      const aLocation = ctx.location(aText);
      const bLocation = ctx.location(bText);
      const concurrency = concurrencyFlag(flags.concurrency);
      const { rules: filter, warning } = await filters.rules(ctx.io.signal);
      if (warning !== undefined) ctx.io.stderr.write(`${warning}\n`);
      const a = await ctx.open(aLocation);
      const b = await ctx.open(bLocation);
      if (refused(await byPlace(ctx)(aLocation, bLocation), undefined)) {
        throw new InvalidPathError(bLocation.text, `it overlaps '${aLocation.text}'`);
      }
      const json = flags.json === true;
      const list = flags.list === true;
      const onDifference = ({ path, kind }: CheckDifference): void => {
        if (json) ctx.io.stdout.write(`${JSON.stringify({ type: kind, path })}\n`);
        else ctx.print(`${LABELS[kind]}: ${path}`);
      };
      const report = await checkStorages(a, folderKey(aLocation), b, folderKey(bLocation), {
        compare: flags.checksum === true ? "checksum" : "auto",
        oneWay: flags.oneWay === true,
        concurrency,
        filter,
        ...(list ? { onDifference } : {}),
      });
      if (json && list) ctx.io.stdout.write(`${JSON.stringify({ type: "report", ...report })}\n`);
      else if (json) ctx.printJson(report);
      else if (!ctx.options.quiet) ctx.print(summary(report));
      const differences = report.onlyInA + report.onlyInB + report.differing;
      if (differences > 0) {
        throw new CliError(`'${aLocation.text}' and '${bLocation.text}' differ in ${differences} file(s)`, EXIT_CODES.differ);
      }
    });
}

function summary(report: CheckReport): string {
  const parts = [`${report.matched} matched`, `${report.onlyInA} only in A`, `${report.onlyInB} only in B`, `${report.differing} differing`];
  if (report.ignored > 0) parts.push(`${report.ignored} ignored`);
  if (report.excluded > 0) parts.push(`${report.excluded} excluded`);
  const folders = report.excludedFolders ?? 0;
  if (folders > 0) parts.push(`${folders} excluded folder${folders === 1 ? "" : "s"} (not compared)`);
  return parts.join(", ");
}
