import { Command } from "commander";
import { checkStorages, InvalidPathError, type CheckDifference, type CheckReport, type SkippedEntry } from "@stowage/core";
import { ignoredNoun, printableName } from "../ignored-warning.js";
import type { IgnoredTally } from "../sync-output.js";
import type { CommandContext } from "../context.js";
import { CliError, EXIT_CODES } from "../exit-codes.js";
import { concurrencyFlag } from "../concurrency-flag.js";
import { FilterFlags } from "../filter-flags.js";
import { folderKey } from "../keys.js";
import { byPlace, refused } from "../folder-overlap.js";
import { jsonText } from "../json-text.js";

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
    .option("--checksum", "compare sizes and MD5s (rclone's --checksum: from S3 metadata, local files read; a download only where a side has none) instead of size and modification time")
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
        "they differ or when entries of A could not be compared (symbolic links, special files, names\n" +
        "that cannot be keys): a warning on stderr counts them by reason (even with -q), --list names\n" +
        "them. The filter flags are sync's (rclone's; see stowage sync --help): excluded files are not\n" +
        "compared, so check agrees with a sync given the same filters, and the summary says how many\n" +
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
        if (json) ctx.io.stdout.write(`${jsonText({ type: kind, path })}\n`);
        else ctx.print(`${LABELS[kind]}: ${path}`);
      };
      const ignored: IgnoredTally = { link: 0, special: 0, "invalid-name": 0 };
      const onIgnore = ({ path, reason }: SkippedEntry): void => {
        ignored[reason]++;
        if (!list) return;
        if (json) ctx.io.stdout.write(`${jsonText({ type: "not-compared", path, reason })}\n`);
        else ctx.print(`not compared: ${printableName(path)} (${ignoredNoun(reason)})`);
      };
      const report = await checkStorages(a, folderKey(aLocation), b, folderKey(bLocation), {
        compare: flags.checksum === true ? "checksum" : "auto",
        oneWay: flags.oneWay === true,
        concurrency,
        filter,
        onIgnore,
        ...(list ? { onDifference } : {}),
      });
      if (json && list) ctx.io.stdout.write(`${jsonText({ type: "report", ...report })}\n`);
      else if (json) ctx.printJson(report);
      else if (!ctx.options.quiet) ctx.print(summary(report));
      // On stderr whatever --quiet says: a check that could not compare everything proves nothing.
      const notCompared = notComparedWarning(ignored, list);
      if (notCompared !== undefined) ctx.io.stderr.write(notCompared);
      const differences = report.onlyInA + report.onlyInB + report.differing;
      if (differences > 0) {
        throw new CliError(`'${aLocation.text}' and '${bLocation.text}' differ in ${differences} file(s)`, EXIT_CODES.differ);
      }
      if (report.ignored > 0) {
        throw new CliError(`'${aLocation.text}' and '${bLocation.text}' could not be compared in full: ${report.ignored} entr${report.ignored === 1 ? "y" : "ies"} of A not compared`, EXIT_CODES.differ);
      }
    });
}

/** The stderr warning naming, by reason, the entries of A a check could not compare; `undefined` when none. */
function notComparedWarning(tally: IgnoredTally, listed: boolean): string | undefined {
  const reasons = (Object.keys(tally) as Array<keyof IgnoredTally>).filter((reason) => tally[reason] > 0);
  const total = reasons.reduce((sum, reason) => sum + tally[reason], 0);
  if (total === 0) return undefined;
  const parts = reasons.map((reason) => `${tally[reason]} ${ignoredNoun(reason, tally[reason])}`);
  return `stowage: warning: ${total} ${total === 1 ? "entry" : "entries"} of A could not be compared (${parts.join(", ")})${listed ? "" : "; --list names them"}\n`;
}

function summary(report: CheckReport): string {
  const parts = [`${report.matched} matched`, `${report.onlyInA} only in A`, `${report.onlyInB} only in B`, `${report.differing} differing`];
  if (report.ignored > 0) parts.push(`${report.ignored} ignored`);
  if (report.excluded > 0) parts.push(`${report.excluded} excluded`);
  const folders = report.excludedFolders ?? 0;
  if (folders > 0) parts.push(`${folders} excluded folder${folders === 1 ? "" : "s"} (not compared)`);
  return parts.join(", ");
}
