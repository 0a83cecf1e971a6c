/**
 * The text of one filter pattern, read with rclone 1.60's glob syntax (see {@link globToRe2}).
 * Malformed text is refused, as rclone refuses it, instead of being taken literally: a typo such
 * as `[a-` or `{a,` would otherwise exclude nothing, and the sync would copy and delete what the
 * user meant to keep out. A few patterns rclone accepts but that can match no key are refused
 * too: an empty one, `/` alone, and one with an empty path segment (`a//b`).
 */
import { GlobSyntaxError, globToDirGlobs, globToRe2 } from "./glob-regexp.js";
import { re2ToRegExp } from "./re2-regexp.js";

/**
 * What is wrong with `pattern` as a filter pattern ({@link SyncFilterRule.pattern}), in words that
 * can follow "it" in a message; `undefined` when it is valid. Refused: what rclone 1.60 refuses
 * (more than two `*` in a row, an unbalanced `[`, `{` or `{{`, nested `{...}`, a class RE2 rejects
 * such as `[z-a]`, a lone trailing `\`), what RE2 accepts but JS cannot match the same way (see
 * {@link re2ToRegExp}: `(?i)`, `\p{...}`), and the three patterns above that match nothing.
 */
export function filterPatternProblem(pattern: string): string | undefined {
  try {
    globRegExp(pattern);
    for (const dirGlob of globToDirGlobs(pattern)) if (dirGlob !== "/") globRegExp(dirGlob);
    return undefined;
  } catch (error) {
    if (error instanceof GlobSyntaxError) return error.message;
    throw error;
  }
}

/**
 * `pattern` compiled as rclone compiles it: `source` is the RE2 text rclone builds (the identity of
 * a rule, as in `rclone --dump filters`), `regexp` the JS equivalent.
 *
 * @throws GlobSyntaxError (internal) when {@link filterPatternProblem} would name a problem.
 */
export function globRegExp(pattern: string): { source: string; regexp: RegExp } {
  if (pattern === "") throw new GlobSyntaxError("is empty");
  if (pattern === "/") throw new GlobSyntaxError("is '/' alone, which names no file (write '/**' for everything)");
  if (pattern.includes("//")) throw new GlobSyntaxError("has an empty path segment ('//'), which no file name has");
  const source = globToRe2(pattern);
  return { source, regexp: re2ToRegExp(source) };
}
