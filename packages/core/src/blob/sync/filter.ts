import picomatch from "picomatch";
import { InvalidOptionsError } from "../../errors.js";
import { filterPatternProblem, picomatchGlob } from "./filter-pattern.js";

export { filterPatternProblem } from "./filter-pattern.js";

/**
 * One filter rule of a sync ({@link SyncOptions.filter}): rclone's `--include PATTERN` (`+`) or
 * `--exclude PATTERN` (`-`).
 *
 * Patterns are globs in rclone's syntax (`*`, `**`, `?`, `[...]`, `{a,b}`, `\` escapes; every other
 * character is literal; dot files matched like any other) over keys relative to the sync's prefixes,
 * with rclone's anchoring:
 * - a pattern starting with `/` is anchored at the prefix: `/build/**` matches `build/a.js` only;
 * - any other pattern matches at any depth, as a whole run of trailing segments: `*.tmp` matches
 *   `a.tmp` and `x/y/a.tmp`; `cache/**` matches `cache/a` and `x/cache/a`;
 * - a pattern ending with `/` names a folder and everything in it: `node_modules/` is
 *   `node_modules/**`.
 */
export interface SyncFilterRule {
  /** `include` keeps matching files; `exclude` leaves them out of the sync on both sides. */
  action: "include" | "exclude";
  /**
   * The glob (see above). Malformed text (an empty pattern, `/` alone, an unclosed `[` or `{`, see
   * {@link filterPatternProblem}) is rejected with `E_INVALID_OPTIONS`, never taken literally.
   */
  pattern: string;
}

/** A compiled rule: its matcher, and what {@link SyncFilter.descend} needs to reason about folders. */
interface CompiledRule {
  include: boolean;
  matches: (path: string) => boolean;
  /** For a pattern `Q/**`: matches a folder every key below which the rule matches. */
  coversFolder: ((folder: string) => boolean) | undefined;
  /** For an anchored pattern, its literal leading folder (`src/lib` for `/src/lib/*.ts`); else `undefined`. */
  base: string | undefined;
}

/**
 * Ordered filter rules, first match wins (rclone's filter rules). A path no rule matches is
 * included, unless some rule is an `include`: then it is excluded, as rclone adds an implicit
 * `--exclude **` after include rules.
 */
export class SyncFilter {
  readonly #rules: CompiledRule[];
  readonly #defaultInclude: boolean;

  /** Compiles `rules`; a malformed one is rejected with `InvalidOptionsError` (`E_INVALID_OPTIONS`). */
  constructor(rules: readonly SyncFilterRule[]) {
    this.#rules = rules.map(compile);
    this.#defaultInclude = !this.#rules.some((rule) => rule.include);
  }

  /** True when the file at `path` (relative to the sync's prefix) takes part in the sync. */
  includes(path: string): boolean {
    for (const rule of this.#rules) if (rule.matches(path)) return rule.include;
    return this.#defaultInclude;
  }

  /**
   * False only when every file that could lie below `folder` (relative, no trailing slash) is
   * excluded, so a walk may skip the folder without reading it. Errs towards true: an include rule
   * that might match below the folder keeps it.
   */
  descend(folder: string): boolean {
    for (const rule of this.#rules) {
      if (rule.coversFolder?.(folder) === true) return rule.include;
      // An exclude that matches only some files below leaves the others to later rules.
      if (rule.include && mayMatchBelow(rule, folder)) return true;
    }
    return this.#defaultInclude;
  }
}

function compile(rule: SyncFilterRule): CompiledRule {
  const { action, pattern } = rule;
  if (action !== "include" && action !== "exclude") {
    throw new InvalidOptionsError("filter", rule, 'needs action "include" or "exclude"', "sync");
  }
  if (typeof pattern !== "string") {
    throw new InvalidOptionsError("filter", rule, "needs a glob pattern (a string)", "sync");
  }
  const problem = filterPatternProblem(pattern);
  if (problem !== undefined) throw new InvalidOptionsError("filter", pattern, `is not a valid glob: it ${problem}`, "sync");
  const anchored = pattern.startsWith("/");
  let glob = picomatchGlob(anchored ? pattern.slice(1) : pattern);
  if (glob.endsWith("/")) glob += "**";
  const full = anchored ? glob : `**/${glob}`;
  const options = { dot: true };
  const compiled: CompiledRule = {
    include: action === "include",
    matches: picomatch(full, options),
    coversFolder: undefined,
    base: anchored ? picomatch.scan(glob, { unescape: true }).base : undefined,
  };
  if (glob === "**") {
    compiled.coversFolder = () => true;
  } else if (glob.endsWith("/**")) {
    const folderGlob = full.slice(0, -3);
    const matchesFolder = picomatch(folderGlob, options);
    compiled.coversFolder = (folder) => ancestorsOrSelf(folder).some((key) => matchesFolder(key));
  }
  return compiled;
}

/** Whether `rule` might match some key below `folder`: only an anchored literal base rules it out. */
function mayMatchBelow(rule: CompiledRule, folder: string): boolean {
  if (rule.base === undefined || rule.base === "") return true;
  return isSelfOrBelow(folder, rule.base) || isSelfOrBelow(rule.base, folder);
}

function isSelfOrBelow(key: string, folder: string): boolean {
  return key === folder || key.startsWith(`${folder}/`);
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`. */
function ancestorsOrSelf(folder: string): string[] {
  const out: string[] = [];
  let at = folder.indexOf("/");
  while (at !== -1) {
    out.push(folder.slice(0, at));
    at = folder.indexOf("/", at + 1);
  }
  out.push(folder);
  return out;
}
