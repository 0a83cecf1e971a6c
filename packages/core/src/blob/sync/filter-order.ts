import { InvalidOptionsError } from "../../errors.js";
import type { SyncFilterRule } from "./filter.js";

/**
 * rclone's filter flags, each list in the order given: `include` from `--include`/`--include-from`,
 * `exclude` from `--exclude`/`--exclude-from`, `filter` from `--filter`/`--filter-from` (lines
 * `+ PATTERN`, `- PATTERN`, or `!` which clears the rules before it).
 */
export interface RcloneFilterFlags {
  include?: readonly string[];
  exclude?: readonly string[];
  filter?: readonly string[];
}

/** The rules {@link rcloneFilterRules} builds, and rclone's warning when the flags are mixed. */
export interface RcloneFilterRules {
  /** {@link SyncOptions.filter}, in rclone's order. */
  rules: SyncFilterRule[];
  /**
   * rclone's error message (it logs it and goes on) when both include and exclude flags are
   * given, whose order is fixed by rclone and not the command line's; `undefined` otherwise.
   */
  warning: string | undefined;
}

/** rclone's words, so that a user searching for them finds rclone's documentation. */
export const MIXED_INCLUDE_EXCLUDE_WARNING =
  "Using --filter is recommended instead of both --include and --exclude as the order they are parsed in is indeterminate";

/**
 * The rules rclone 1.60 (`filter.NewFilter`) builds from its flags, whatever their order on the
 * command line: every include, then every exclude, then the filter rules, then `- /**` when there
 * is an include (never for a `+` filter rule). A `!` filter line drops the rules before it, but
 * not the `- /**` that includes add at the end. For {@link SyncOptions.filter}, whose contract
 * adds `- /**` after any include rule, `+ **` ends the rules when only `+` filter rules include.
 *
 * @throws InvalidOptionsError (`E_INVALID_OPTIONS`) for a filter line that is not `+ `, `- ` or `!`.
 */
export function rcloneFilterRules(flags: RcloneFilterFlags): RcloneFilterRules {
  const { include = [], exclude = [], filter = [] } = flags;
  let rules: SyncFilterRule[] = [
    ...include.map((pattern): SyncFilterRule => ({ action: "include", pattern })),
    ...exclude.map((pattern): SyncFilterRule => ({ action: "exclude", pattern })),
  ];
  for (const line of filter) {
    if (line === "!") rules = [];
    else if (line.startsWith("+ ")) rules.push({ action: "include", pattern: line.slice(2) });
    else if (line.startsWith("- ")) rules.push({ action: "exclude", pattern: line.slice(2) });
    else throw new InvalidOptionsError("filter", line, "is not a filter rule: write '+ PATTERN', '- PATTERN' or '!'", "sync");
  }
  if (include.length > 0) rules.push({ action: "exclude", pattern: "/**" });
  // `+ P` filter rules alone: rclone adds no `- /**`, and a last `+ **` (which changes no verdict:
  // unmatched files and folders are included anyway) keeps SyncFilter's implicit one from matching.
  else if (rules.some((rule) => rule.action === "include")) rules.push({ action: "include", pattern: "**" });
  return { rules, warning: include.length > 0 && exclude.length > 0 ? MIXED_INCLUDE_EXCLUDE_WARNING : undefined };
}

/**
 * rclone's `--files-from`: the rules that take part exactly the files at `paths` (relative,
 * `/`s at either end ignored, as rclone trims them) and walk only their folders: one anchored
 * include per path with every glob character escaped, then `- /**`.
 */
export function filesFromRules(paths: readonly string[]): SyncFilterRule[] {
  const rules = paths.map((path): SyncFilterRule => ({ action: "include", pattern: `/${escapeGlob(path.replace(/^\/+|\/+$/gu, ""))}` }));
  rules.push({ action: "exclude", pattern: "/**" });
  return rules;
}

/** `text` as a glob that matches it literally: every ASCII punctuation character but `/` escaped. */
function escapeGlob(text: string): string {
  return text.replace(/[!-.:-@[-`{-~]/gu, (c) => `\\${c}`);
}
