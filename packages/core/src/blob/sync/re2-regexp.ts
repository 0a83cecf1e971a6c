import { GlobSyntaxError } from "./glob-regexp.js";

/**
 * RE2 (Go's `regexp`, with the flags `regexp.Compile` uses) read into a JS `RegExp` with the `u`
 * flag, for the part of RE2 where the two can be made to agree; anything else is refused rather
 * than matched differently. Differences bridged here:
 * - `.` is any code point but `\n` in RE2; JS also stops at `\r`, U+2028, U+2029: written `[^\n]`;
 * - `\s` is `[\t\n\f\r ]` in RE2 and Unicode space in JS: written out;
 * - POSIX classes (`[[:alpha:]]`), `\a`, `\x{..}`, `\A`, `\z` have no JS spelling: translated;
 * - a `{`, `}` or `]` that is not syntax is literal in RE2 and an error in JS `u` mode: escaped;
 * - every class member is written as `\u{...}`, so that nothing in it reads differently.
 *
 * Refused: inline flags (`(?i)`), named groups, `\p` Unicode classes, `\Q...\E`, `\C`, octal and
 * back references, `\S` inside a class, negated POSIX classes.
 */
export function re2ToRegExp(source: string): RegExp {
  const js = new Re2Reader(source).read();
  try {
    return new RegExp(js, "u");
  } catch (error) {
    return invalid(`a regular expression JS refuses (${(error as Error).message})`);
  }
}

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const RE2_SPACE = "\\t\\n\\f\\r ";

/** RE2 accepts it, but JS would read it differently or not at all. */
const refuse = (what: string): never => {
  throw new GlobSyntaxError(`uses ${what}, which stowage cannot match exactly as rclone's RE2 does`);
};

/** RE2 itself rejects it, so rclone does too. */
const invalid = (what: string): never => {
  throw new GlobSyntaxError(`has ${what} (rclone: bad glob pattern)`);
};

class Re2Reader {
  #at = 0;
  constructor(private readonly source: string) {}

  read(): string {
    let out = "";
    const s = this.source;
    while (this.#at < s.length) {
      const c = this.#next();
      if (c === "\\") out += this.#escape(false);
      else if (c === "[") out += this.#class();
      else if (c === ".") out += "[^\\n]";
      else if (c === "(") out += this.#group();
      else if (c === "{") out += this.#brace();
      else if (c === "}" || c === "]") out += `\\${c}`;
      else out += c;
    }
    return out;
  }

  #next(): string {
    const c = String.fromCodePoint(this.source.codePointAt(this.#at)!);
    this.#at += c.length;
    return c;
  }

  #peek(text: string): boolean {
    return this.source.startsWith(text, this.#at);
  }

  #group(): string {
    if (!this.#peek("?")) return "(";
    if (this.#peek("?:")) {
      this.#at += 2;
      return "(?:";
    }
    return refuse("'(?' (inline flags or named groups)");
  }

  /** `{n}`, `{n,}`, `{n,m}` repeat in both; any other `{` is a literal in RE2. */
  #brace(): string {
    const repeat = /^\{\d+(,\d*)?\}/u.exec(this.source.slice(this.#at - 1));
    if (repeat === null) return "\\{";
    if (repeat[0].split(/\D+/u).some((n) => Number(n) > 1000)) return refuse("a repeat count over 1000");
    this.#at += repeat[0].length - 1;
    return repeat[0];
  }

  /** The escape after a `\`, as JS text; `inClass` for the members of a class. */
  #escape(inClass: boolean): string {
    if (this.#at >= this.source.length) return invalid("a trailing '\\'");
    const c = this.#next();
    const code = c.codePointAt(0)!;
    if (code < 0x80 && !/[0-9A-Za-z]/u.test(c)) return `\\u{${code.toString(16)}}`;
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
        return `\\${c}`;
      case "s":
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case "S":
        return inClass ? refuse("'\\S' inside '[...]'") : `[^${RE2_SPACE}]`;
      case "t":
      case "n":
      case "r":
      case "f":
      case "v":
        return `\\${c}`;
      case "a":
        return "\\x07";
      case "x":
        return this.#hex();
      case "b":
      case "B":
        return inClass ? refuse(`'\\${c}' inside '[...]'`) : `\\${c}`;
      case "A":
        return inClass ? refuse("'\\A' inside '[...]'") : "^";
      case "z":
        return inClass ? refuse("'\\z' inside '[...]'") : "$";
      default:
        return refuse(`'\\${c}'`);
    }
  }

  #hex(): string {
    const match = /^(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/u.exec(this.source.slice(this.#at));
    if (match === null) return invalid("a malformed '\\x' escape");
    this.#at += match[0].length;
    const value = Number.parseInt(match[1] ?? match[2]!, 16);
    if (value > 0x10ffff) return refuse("a '\\x' escape beyond Unicode");
    return `\\u{${value.toString(16)}}`;
  }

  /** A class `[...]` read as Go's `parseClass` reads it (PerlX: `-` is literal where no range fits). */
  #class(): string {
    let out = "[";
    if (this.#peek("^")) {
      this.#at++;
      out += "^";
    }
    let first = true;
    for (;;) {
      if (this.#at >= this.source.length) return invalid("a '[' that is never closed (a ']' first in a class is a member)");
      if (this.#peek("]") && !first) {
        this.#at++;
        return `${out}]`;
      }
      first = false;
      // As Go: `[:` with a `:]` anywhere after it is a POSIX class, valid or not.
      const close = this.#peek("[:") ? this.source.indexOf(":]", this.#at + 2) : -1;
      if (close !== -1) {
        const name = this.source.slice(this.#at, close + 2);
        if (name.startsWith("[:^")) return refuse(`a negated class '${name}'`);
        const ranges = Object.hasOwn(POSIX, name.slice(2, -2)) ? POSIX[name.slice(2, -2)] : undefined;
        if (ranges === undefined) return invalid(`an unknown class '${name}'`);
        this.#at = close + 2;
        out += ranges;
        continue;
      }
      const low = this.#member();
      if (low.range === undefined) {
        out += low.text;
        continue;
      }
      if (this.#peek("-") && this.#at + 1 < this.source.length && !this.#peek("-]")) {
        this.#at++;
        const high = this.#member();
        if (high.range === undefined) return invalid("a range that ends in a class");
        if (high.range < low.range) return invalid("a range written backwards");
        out += `${low.text}-${high.text}`;
      } else {
        out += low.text;
      }
    }
  }

  /** One class member: a character (with its code point, `range`) or a class escape such as `\d`. */
  #member(): { text: string; range?: number } {
    const c = this.#next();
    if (c !== "\\") return { text: `\\u{${c.codePointAt(0)!.toString(16)}}`, range: c.codePointAt(0)! };
    const text = this.#escape(true);
    const single = /^\\u\{([0-9a-f]+)\}$/u.exec(text) ?? /^\\x([0-9a-f]{2})$/u.exec(text);
    if (single !== null) return { text, range: Number.parseInt(single[1]!, 16) };
    const control = { "\\t": 9, "\\n": 10, "\\v": 11, "\\f": 12, "\\r": 13 }[text];
    return control === undefined ? { text } : { text, range: control };
  }
}
