import { filesFromRules, filterPatternProblem, rcloneFilterRules, type SyncFilterRule } from "@stowage/core";
import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";
import { readRuleFile } from "./rule-file.js";

/** The filter flags, as rclone names them. */
const FLAGS = ["include", "include-from", "exclude", "exclude-from", "filter", "filter-from", "files-from"] as const;
type FilterFlag = (typeof FLAGS)[number];

/** The rules of a command's filter flags, and rclone's warning when they mix include and exclude. */
export interface FilterRules {
  rules: SyncFilterRule[];
  warning: string | undefined;
}

/** One rule text and where it came from, for messages: `--exclude`, or `--exclude-from: 'f' line 3:`. */
interface Sourced {
  text: string;
  origin: string;
}

/**
 * rclone's filter flags for `sync` and `check` (so that `check` compares exactly what `sync` with
 * the same flags mirrors). Each flag's values are kept in the order given; across flags the order
 * is rclone's, not the command line's: see core's `rcloneFilterRules`.
 */
export class FilterFlags {
  readonly #values = new Map<FilterFlag, string[]>(FLAGS.map((flag) => [flag, []]));

  /** Adds the filter flags to `command`. */
  addTo(command: Command): Command {
    const add = (flag: FilterFlag, value: string, help: string): void => {
      command.option(`--${flag} <${value}>`, `${help} (repeatable)`, (text: string) => {
        this.#values.get(flag)!.push(text);
        return text;
      });
    };
    add("include", "pattern", "take part only files matching this glob (others are left out)");
    add("include-from", "file", "read --include patterns from a text file, one per line");
    add("exclude", "pattern", "leave out files matching this glob");
    add("exclude-from", "file", "read --exclude patterns from a text file, one per line");
    add("filter", "rule", "an rclone filter rule: '+ PATTERN' includes, '- PATTERN' excludes, '!' clears the rules before it");
    add("filter-from", "file", "read --filter rules from a text file, one per line");
    add("files-from", "file", "take part only the files listed in this text file (paths relative to the folders); not with other filters");
    return command;
  }

  /**
   * The rules, in rclone's order. Checked before any store is opened: a file that cannot be read
   * or is not text (see {@link readRuleFile}), a pattern that is not a valid glob (core's
   * `filterPatternProblem`), a `--filter` line that is not `+ `, `- ` or `!`, and `--files-from`
   * with any other filter flag (as rclone) are a {@link UsageError} naming the flag, the pattern
   * and, for a file, its line. `signal` (Ctrl-C) stops the read of a file that has not ended.
   */
  async rules(signal: AbortSignal): Promise<FilterRules> {
    const read = async (flag: FilterFlag, fromFlag: FilterFlag): Promise<Sourced[]> => {
      const out: Sourced[] = this.#values.get(flag)!.map((text) => ({ text, origin: `--${flag}` }));
      for (const file of this.#values.get(fromFlag)!) {
        for (const { text, line } of await readRuleFile(`--${fromFlag}`, file, signal)) {
          out.push({ text, origin: `--${fromFlag}: '${file}' line ${line}:` });
        }
      }
      return out;
    };
    const filesFrom = this.#values.get("files-from")!;
    if (filesFrom.length > 0) {
      const others = FLAGS.filter((flag) => flag !== "files-from" && this.#values.get(flag)!.length > 0);
      if (others.length > 0) {
        throw new UsageError(`--files-from overrides all other filters, it should be used alone (given with --${others.join(", --")})`);
      }
      const paths: string[] = [];
      for (const file of filesFrom) {
        for (const { text } of await readRuleFile("--files-from", file, signal)) paths.push(text);
      }
      return { rules: filesFromRules(paths), warning: undefined };
    }
    const include = await read("include", "include-from");
    const exclude = await read("exclude", "exclude-from");
    const filter = await read("filter", "filter-from");
    for (const { text, origin } of [...include, ...exclude]) checked(text, origin);
    for (const { text, origin } of filter) {
      if (text === "!") continue;
      if (!text.startsWith("+ ") && !text.startsWith("- ")) {
        throw new UsageError(`${origin} '${text}' is not a filter rule: write '+ PATTERN', '- PATTERN' or '!'`);
      }
      checked(text.slice(2), origin);
    }
    const texts = (list: Sourced[]): string[] => list.map(({ text }) => text);
    return rcloneFilterRules({ include: texts(include), exclude: texts(exclude), filter: texts(filter) });
  }
}

/** `pattern`, when core's filter takes it; else a {@link UsageError} saying where it came from. */
function checked(pattern: string, origin: string): string {
  const problem = filterPatternProblem(pattern);
  if (problem !== undefined) throw new UsageError(`${origin} '${pattern}' is not a valid filter pattern: it ${problem}`);
  return pattern;
}
