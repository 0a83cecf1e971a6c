/**
 * rclone 1.60's glob language (`fs/filter/glob.go`), read the way rclone reads it: a glob becomes
 * the text of an RE2 regular expression, which {@link re2ToRegExp} then turns into a JS `RegExp`.
 * Kept as two steps so that the first can be checked against rclone's own table of expected
 * regexps, character for character.
 */

/** A glob that rclone 1.60 refuses; `message` reads as a phrase after "it". */
export class GlobSyntaxError extends Error {}

/**
 * The RE2 source rclone 1.60 builds for `glob` (`GlobToRegexp`): `(^|/)` before a glob that does
 * not start with `/` (it matches at any depth), `^` for one that does (anchored), then `*` → `[^/]*`,
 * `**` → `.*`, `?` → `[^/]`, `{a,b}` → `(a|b)`, `{{re}}` → `(re)`, `[...]` and `\x` passed through
 * as RE2 syntax, `. + ( ) | ^ $` escaped, everything else literal, and `$` at the end.
 *
 * @throws GlobSyntaxError with rclone's reason (`too many stars`, `mismatched ...`, `can't nest`).
 */
export function globToRe2(glob: string): string {
  let re = "";
  if (glob.startsWith("/")) {
    glob = glob.slice(1);
    re += "^";
  } else {
    re += "(^|/)";
  }
  let stars = 0;
  const flushStars = (): void => {
    if (stars === 1) re += "[^/]*";
    else if (stars === 2) re += ".*";
    else if (stars > 2) throw new GlobSyntaxError("has more than two '*' in a row (rclone: too many stars)");
    stars = 0;
  };
  let inBraces = false;
  let brackets = 0;
  let slashed = false;
  let inRegexp = false;
  let inRegexpEnd = false;
  let last = "";
  let previous = "";
  for (const c of glob) {
    last = previous;
    previous = c;
    if (slashed) {
      re += c;
      slashed = false;
      continue;
    }
    if (inRegexpEnd) {
      if (c === "}") {
        // `}}}`: the regexp itself ends with `}`; the group closes one character later.
        re = `${re.slice(0, -1)}})`;
        continue;
      }
      inRegexpEnd = false;
    }
    if (inRegexp) {
      if (c === "}" && last === "}") {
        inRegexp = false;
        inRegexpEnd = true;
        re = `${re.slice(0, -1)})`;
      } else {
        re += c;
      }
      continue;
    }
    if (c !== "*") flushStars();
    if (brackets > 0) {
      // rclone counts brackets without reading escapes: the class text goes to RE2 as written.
      re += c;
      if (c === "[") brackets++;
      if (c === "]") brackets--;
      continue;
    }
    switch (c) {
      case "\\":
        re += c;
        slashed = true;
        break;
      case "*":
        stars++;
        break;
      case "?":
        re += "[^/]";
        break;
      case "[":
        re += c;
        brackets++;
        break;
      case "]":
        throw new GlobSyntaxError("has a ']' with no '[' before it (rclone: mismatched ']'); write '\\]' for a literal one");
      case "{":
        if (inBraces) {
          if (last !== "{") throw new GlobSyntaxError("has a '{' inside '{...}' (rclone: can't nest '{' '}'); write '\\{' for a literal one");
          inRegexp = true;
          inBraces = false;
        } else {
          inBraces = true;
          re += "(";
        }
        break;
      case "}":
        if (!inBraces) throw new GlobSyntaxError("has a '}' with no '{' before it (rclone: mismatched '{' and '}'); write '\\}' for a literal one");
        re += ")";
        inBraces = false;
        break;
      case ",":
        re += inBraces ? "|" : c;
        break;
      case ".":
      case "+":
      case "(":
      case ")":
      case "|":
      case "^":
      case "$":
        re += `\\${c}`;
        break;
      default:
        re += c;
    }
  }
  flushStars();
  if (slashed) throw new GlobSyntaxError("ends with a lone '\\' (write '\\\\' for a backslash)");
  if (brackets > 0) throw new GlobSyntaxError("has a '[' that is never closed (rclone: mismatched '[' and ']'); write '\\[' for a literal one");
  if (inBraces) throw new GlobSyntaxError("has a '{' that is never closed (rclone: mismatched '{' and '}'); write '\\{' for a literal one");
  if (inRegexp) throw new GlobSyntaxError("has a '{{' that is never closed (rclone: mismatched '{{' and '}}')");
  return `${re}$`;
}

/** Braces holding `/` or `**`, and regexp sections: rclone cannot split those into folder globs. */
const TOO_HARD = /(\{[^{}]*(\*\*|\/)[^{}]*\})|\{\{|\}\}/u;

/**
 * rclone's `globToDirGlobs`: the folder globs (each ending in `/`) that a folder must match for
 * `glob` to possibly match a file below it, deepest first. `/**` (every folder) when the glob is too
 * hard to split (see {@link TOO_HARD}) or has no folder part that is not anchored at the root.
 */
export function globToDirGlobs(glob: string): string[] {
  if (TOO_HARD.test(glob)) return ["/**"];
  glob = glob.replace(/\/{2,}/gu, "/");
  const out: string[] = [];
  for (;;) {
    let cut = glob.lastIndexOf("/");
    const stars = glob.lastIndexOf("**");
    let what = "";
    if (stars > cut) {
      cut = stars;
      what = "**";
    }
    if (cut < 0) {
      if (out.length === 0) out.push("/**");
      return out;
    }
    glob = glob.slice(0, cut);
    const dirGlob = `${glob}${what}/`;
    if (out.at(-1) !== dirGlob) out.push(dirGlob);
  }
}
