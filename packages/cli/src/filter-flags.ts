import { filterPatternProblem, type SyncFilterRule } from "@stowage/core";
import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";
import { readRuleFile } from "./rule-file.js";

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
      .option("--exclude-from <file>", "read --exclude patterns from a text file (at most 16 MiB), one per line (repeatable)", this.parser("exclude-from"));
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
   * its place (see {@link readRuleFile}). Checked before any store is opened: a file that cannot be
   * read or is not text, and a pattern that is not a valid glob in rclone's syntax (core's
   * `filterPatternProblem`), are a {@link UsageError} naming the flag, the pattern and, for a
   * file, its line. `signal` (Ctrl-C) stops the read of a file that has not ended yet (a pipe).
   */
  async rules(signal: AbortSignal): Promise<SyncFilterRule[]> {
    const rules: SyncFilterRule[] = [];
    for (const { flag, value } of this.#flags) {
      if (flag !== "exclude-from") {
        rules.push({ action: flag, pattern: checked(value, `--${flag}`) });
        continue;
      }
      for (const { text, line } of await readRuleFile(`--${flag}`, value, signal)) {
        rules.push({ action: "exclude", pattern: checked(text, `--${flag}: '${value}' line ${line}:`) });
      }
    }
    return rules;
  }
}

/** `pattern`, when core's filter takes it; else a {@link UsageError} saying where it came from. */
function checked(pattern: string, origin: string): string {
  const problem = filterPatternProblem(pattern);
  if (problem !== undefined) throw new UsageError(`${origin} '${pattern}' is not a valid filter pattern: it ${problem}`);
  return pattern;
}
