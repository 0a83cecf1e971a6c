import { InvalidOptionsError } from "../../errors.js";
import { globToDirGlobs } from "./glob-regexp.js";
import { filterPatternProblem, globRegExp } from "./filter-pattern.js";

export { filterPatternProblem } from "./filter-pattern.js";

/**
 * One filter rule of a sync ({@link SyncOptions.filter}): rclone's `--filter '+ PATTERN'`
 * (`include`) or `--filter '- PATTERN'` (`exclude`).
 *
 * Patterns are rclone 1.60's globs, over keys relative to the sync's prefixes:
 * - only `*` (any run of characters but `/`), `**` (any run), `?` (one character but `/`), `[...]`,
 *   `{a,b}`, `{{regexp}}` and `\` escapes are syntax; every other character, `( ) | ! + @` among
 *   them, is literal; dot files are matched like any other;
 * - `[...]` and `\x` are RE2 syntax, as in rclone: `[!a]` is the class of `!` and `a`, not a
 *   negation (write `[^a]`), `\d` is a digit;
 * - a pattern starting with `/` is anchored at the prefix; any other matches at any depth, as a
 *   whole run of trailing segments (`*.tmp` matches `a.tmp` and `x/y/a.tmp`);
 * - a pattern ending with `/` matches folders only, never a file of that name: `- node_modules/`
 *   excludes folders named `node_modules` and all below them; `+ dir/` keeps the folder walkable
 *   but includes no file by itself.
 */
export interface SyncFilterRule {
  /** `include` keeps matching files; `exclude` leaves them out of the sync on both sides. */
  action: "include" | "exclude";
  /**
   * The glob (see above). Malformed text (see {@link filterPatternProblem}) is rejected with
   * `E_INVALID_OPTIONS`, never taken literally.
   */
  pattern: string;
}

interface Rule {
  include: boolean;
  source: string;
  regexp: RegExp;
}

/** Folder verdicts kept for files of a flat listing; cleared when it grows past this many. */
const FOLDER_CACHE_LIMIT = 4096;

/** Options of {@link SyncFilter}. */
export interface SyncFilterOptions {
  /**
   * Whether `- /**` follows the rules when some rule is an include, as rclone adds it after
   * `--include` rules (the contract of {@link SyncOptions.filter}). Default `true`; `false` reads
   * the rules exactly as rclone's `--filter` rules.
   */
  implicitExclude?: boolean;
  /** Hears once of each folder {@link SyncFilter.descend} answers false for: a folder left out whole. */
  onPrune?: (folder: string) => void;
}

/**
 * Ordered filter rules, first match wins, a path no rule matches is included, except that when
 * some rule is an include, `- /**` comes last (rclone's implicit exclude after `--include`; see
 * {@link SyncFilterOptions.implicitExclude}). The rules compile as rclone's `Filter.Add` compiles
 * them, into file rules and folder rules (folder rules are what `globToDirGlobs` derives from
 * include patterns, plus patterns with `**` or a trailing `/`). {@link rcloneFilterRules} builds
 * the rules of rclone's flags.
 */
export class SyncFilter {
  readonly #files: Rule[] = [];
  readonly #folders: Rule[] = [];
  readonly #folderCache = new Map<string, boolean>();
  readonly #pruned = new Set<string>();
  readonly #onPrune: ((folder: string) => void) | undefined;

  /** Compiles `rules`; a malformed one is rejected with `InvalidOptionsError` (`E_INVALID_OPTIONS`). */
  constructor(rules: readonly SyncFilterRule[], options: SyncFilterOptions = {}) {
    this.#onPrune = options.onPrune;
    for (const rule of rules) this.#add(rule);
    if (options.implicitExclude !== false && rules.some((rule) => rule.action === "include")) this.#add({ action: "exclude", pattern: "/**" });
  }

  /**
   * True when the file at `path` (relative to the sync's prefix) takes part in the sync: its
   * folders pass the folder rules (as rclone, which never lists a folder they exclude) and the
   * first file rule that matches it, if any, is an include.
   */
  includes(path: string): boolean {
    const slash = path.lastIndexOf("/");
    if (slash !== -1 && !this.#folderIncluded(path.slice(0, slash))) return false;
    return firstMatch(this.#files, path) ?? true;
  }

  /**
   * rclone's `IncludeDirectory`: false when the folder rules exclude `folder` (relative, no
   * trailing slash), so that a walk skips it without reading it; every file below is then left out.
   */
  descend(folder: string): boolean {
    const included = firstMatch(this.#folders, `${folder}/`) ?? true;
    if (!included && !this.#pruned.has(folder)) {
      this.#pruned.add(folder);
      this.#onPrune?.(folder);
    }
    return included;
  }

  /**
   * The compiled rules in rclone's `--dump filters` format (`+ regexp` / `- regexp` lines under
   * `--- File filter rules ---` and `--- Directory filter rules ---`), the RE2 text rclone builds.
   */
  dump(): string {
    const lines = (rules: Rule[]): string[] => rules.map((rule) => `${rule.include ? "+" : "-"} ${rule.source}`);
    return ["--- File filter rules ---", ...lines(this.#files), "--- Directory filter rules ---", ...lines(this.#folders)].join("\n");
  }

  #folderIncluded(folder: string): boolean {
    const cached = this.#folderCache.get(folder);
    if (cached !== undefined) return cached;
    const slash = folder.lastIndexOf("/");
    const included = (slash === -1 || this.#folderIncluded(folder.slice(0, slash))) && (firstMatch(this.#folders, `${folder}/`) ?? true);
    if (this.#folderCache.size >= FOLDER_CACHE_LIMIT) this.#folderCache.clear();
    this.#folderCache.set(folder, included);
    return included;
  }

  /** rclone's `Filter.Add`. */
  #add(rule: SyncFilterRule): void {
    const { action } = rule;
    if (action !== "include" && action !== "exclude") {
      throw new InvalidOptionsError("filter", rule, 'needs action "include" or "exclude"', "sync");
    }
    if (typeof rule.pattern !== "string") {
      throw new InvalidOptionsError("filter", rule, "needs a glob pattern (a string)", "sync");
    }
    const problem = filterPatternProblem(rule.pattern);
    if (problem !== undefined) throw new InvalidOptionsError("filter", rule.pattern, `is not a valid glob: it ${problem}`, "sync");
    const include = action === "include";
    let glob = rule.pattern;
    let folderRule = glob.endsWith("/");
    let fileRule = !folderRule;
    // Excluding `dir/` excludes `dir/**`: the folder, and every file below it on a flat listing.
    if (folderRule && !include) glob += "**";
    if (glob.includes("**")) folderRule = fileRule = true;
    const compiled = { include, ...globRegExp(glob) };
    if (fileRule) {
      addOnce(this.#files, compiled);
      // An include says which folders must be walked to reach it; an exclude rules none out, but `*`.
      if (include || glob === "*") {
        for (const dirGlob of globToDirGlobs(glob)) {
          if (dirGlob !== "/") addOnce(this.#folders, { include, ...globRegExp(dirGlob) });
        }
      }
    }
    if (folderRule) addOnce(this.#folders, compiled);
  }
}

function firstMatch(rules: readonly Rule[], path: string): boolean | undefined {
  for (const rule of rules) if (rule.regexp.test(path)) return rule.include;
  return undefined;
}

/** rclone keeps one copy of a rule: the first decides, a later duplicate could never. */
function addOnce(rules: Rule[], rule: Rule): void {
  if (!rules.some((other) => other.include === rule.include && other.source === rule.source)) rules.push(rule);
}
