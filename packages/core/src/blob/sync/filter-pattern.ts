/**
 * The text of one filter pattern, read with rclone's glob syntax: only `*`, `**`, `?`, `[...]`,
 * `{a,b}` and `\` (which makes the next character literal) are special. Malformed text is refused,
 * as rclone refuses it, instead of being taken literally: a typo such as `[a-` or `{a,` would
 * otherwise exclude nothing, and the sync would copy and delete what the user meant to keep out.
 */

/** Characters picomatch reads as syntax (extglobs, negation) that rclone takes literally. */
const PICOMATCH_ONLY = new Set(["(", ")", "|", "!", "+", "@"]);

/**
 * What is wrong with `pattern` as a filter pattern ({@link SyncFilterRule.pattern}), in words that
 * can follow the pattern in a message; `undefined` when it is valid. Refused, as rclone refuses
 * them: an empty pattern or `/` alone; an empty path segment (`a//b`, `//`), which no key has; more
 * than two `*` in a row; a `[` or `{` never closed; a `]` or `}` never opened; an empty `[]` or a range written backwards (`[z-a]`); a `\` with nothing after it.
 */
export function filterPatternProblem(pattern: string): string | undefined {
  return scan(pattern).problem;
}

/**
 * `pattern` as the picomatch glob that matches what rclone's glob matches: the characters that
 * only picomatch treats as syntax (`( ) | ! + @`) escaped. Throws when {@link filterPatternProblem}
 * finds a problem; call that first.
 */
export function picomatchGlob(pattern: string): string {
  const { problem, glob } = scan(pattern);
  if (problem !== undefined) throw new Error(`filter pattern '${pattern}' ${problem}`);
  return glob;
}

interface Scan {
  problem?: string;
  glob: string;
}

function scan(pattern: string): Scan {
  if (pattern === "") return { problem: "is empty", glob: "" };
  if (pattern === "/") return { problem: "is '/' alone, which names no file (write '/**' for everything)", glob: "" };
  if (pattern.includes("//")) return { problem: "has an empty path segment ('//'), which no file name has", glob: "" };
  let glob = "";
  let stars = 0;
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    stars = char === "*" ? stars + 1 : 0;
    if (stars > 2) return { problem: "has more than two '*' in a row", glob };
    if (char === "\\") {
      if (i + 1 === pattern.length) return { problem: "ends with a lone '\\' (write '\\\\' for a backslash)", glob };
      glob += pattern.slice(i, i + 2);
      i++;
    } else if (char === "[") {
      const end = classEnd(pattern, i);
      if (typeof end === "string") return { problem: end, glob };
      glob += pattern.slice(i, end + 1);
      i = end;
    } else if (char === "]") {
      return { problem: "has a ']' with no '[' before it (write '\\]' for a literal one)", glob };
    } else if (char === "{" || char === "}") {
      braces += char === "{" ? 1 : -1;
      if (braces < 0) return { problem: "has a '}' with no '{' before it (write '\\}' for a literal one)", glob };
      glob += char;
    } else {
      glob += PICOMATCH_ONLY.has(char) ? `\\${char}` : char;
    }
  }
  if (braces > 0) return { problem: "has a '{' that is never closed (write '\\{' for a literal one)", glob };
  return { glob };
}

/**
 * The index of the `]` that closes the class opened at `start`, or what is wrong with the class.
 * Nested `[` (POSIX classes such as `[[:alpha:]]`) are counted, as rclone counts them.
 */
function classEnd(pattern: string, start: number): number | string {
  let depth = 0;
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      i++;
    } else if (char === "[") {
      depth++;
    } else if (char === "]") {
      depth--;
      if (depth > 0) continue;
      const body = pattern.slice(start + 1, i).replace(/^[!^]/, "");
      if (body === "") return "has an empty '[]', which matches nothing";
      if (hasBackwardRange(body)) return `has a range written backwards in '${pattern.slice(start, i + 1)}'`;
      return i;
    }
  }
  return "has a '[' that is never closed (write '\\[' for a literal one)";
}

/** True for a class body with a range `x-y` where `y` sorts before `x`, such as `z-a`. */
function hasBackwardRange(body: string): boolean {
  // Escapes and POSIX classes make ranges ambiguous to read here; picomatch judges those.
  if (/[\\[]/.test(body)) return false;
  for (let i = 0; i + 2 < body.length; i++) {
    if (body[i + 1] === "-" && body[i]! > body[i + 2]!) return true;
  }
  return false;
}
