import { readFile } from "node:fs/promises";
import type { SyncFilterRule } from "@stowage/core";
import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";

/** One filter flag as given: `--include`, `--exclude` or `--exclude-from`, with its value. */
interface FilterFlag {
  flag: "include" | "exclude" | "exclude-from";
  value: string;
}

/**
 * `sync`'s filter flags, kept in command-line order: commander calls each option's parser as it
 * meets the option, so one list shared by the three parsers records the interleaving of
 * `--include` and `--exclude` (their order is the rules' order, first match wins, as in rclone).
 */
export class FilterFlags {
  readonly #flags: FilterFlag[] = [];

  /**
   * Adds `--exclude`, `--include` and `--exclude-from` to `command` (for `sync` and `check`, so
   * that `check` compares exactly what `sync` with the same flags mirrors), each recorded in order.
   */
  addTo(command: Command): Command {
    return command
      .option("--exclude <pattern>", "leave out files matching this glob (repeatable)", this.parser("exclude"))
      .option("--include <pattern>", "take part only files matching this glob, and those of other --include (repeatable)", this.parser("include"))
      .option("--exclude-from <file>", "read --exclude patterns from a file, one per line (repeatable)", this.parser("exclude-from"));
  }

  /** A commander option parser that records `flag` in order. */
  parser(flag: FilterFlag["flag"]): (value: string) => string {
    return (value) => {
      this.#flags.push({ flag, value });
      return value;
    };
  }

  /**
   * The rules, in order; an `--exclude-from FILE` contributes one exclude rule per line of FILE in
   * its place (rclone's format: blank lines and lines starting with `#` or `;` are skipped,
   * surrounding whitespace is trimmed). A file that cannot be read is a {@link UsageError}.
   */
  async rules(): Promise<SyncFilterRule[]> {
    const rules: SyncFilterRule[] = [];
    for (const { flag, value } of this.#flags) {
      if (flag !== "exclude-from") {
        rules.push({ action: flag, pattern: value });
        continue;
      }
      for (const pattern of patternLines(await readPatternFile(value))) rules.push({ action: "exclude", pattern });
    }
    return rules;
  }
}

async function readPatternFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--exclude-from: cannot read '${file}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

function patternLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith(";"));
}
