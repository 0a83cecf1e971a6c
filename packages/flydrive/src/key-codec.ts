import punycode from "punycode/punycode.js";

/**
 * How a stowage key becomes a flydrive key, and back.
 *
 * flydrive's Disk accepts keys of `A-Z a-z 0-9 - _ ! / .` and whitespace only (anything else throws
 * `E_UNALLOWED_CHARACTERS`), condenses runs of whitespace, strips a leading or trailing `.` and
 * turns `.../` into `../`. Every valid stowage key must still reach the disk as a key of its own,
 * so each segment is written in that alphabet:
 *
 * - letters, digits, `-`, `_`, a `.` that is neither the first nor the last character of the
 *   segment, and a single space between two other characters are kept as they are (so
 *   `reports/Q3 summary.pdf` is stored as itself);
 * - every other ASCII character is `!` and two upper-case hex digits (`a:b` is `a!3Ab`);
 * - a segment with characters beyond ASCII is `!-` and the Punycode (RFC 3492) of the segment,
 *   escaped as above: `日本語` is `!-wgv71a119e`. Punycode keeps a long unicode name short enough for
 *   a filesystem's 255-byte name limit, where a byte-wise escape would triple it.
 *
 * Segments are joined with `/`. The mapping is one-to-one, and only keys it produces are read back.
 */

const LITERAL = /[A-Za-z0-9_-]/;

/** The flydrive key of a valid stowage key (or of a normalized folder; `""` stays `""`). */
export function encodeKey(key: string): string {
  if (key === "") return "";
  return key.split("/").map(encodeSegment).join("/");
}

/**
 * The stowage key of a flydrive key, or `undefined` when {@link encodeKey} never produces that
 * key (it was not written through the bridge in a form it can address).
 */
export function decodeKey(stored: string): string | undefined {
  let key: string;
  try {
    key = stored.split("/").map(decodeSegment).join("/");
  } catch {
    return undefined;
  }
  return encodeKey(key) === stored ? key : undefined;
}

function encodeSegment(segment: string): string {
  // Code points beyond ASCII: Punycode first, whose output is ASCII.
  return /[^\u0000-\u007f]/u.test(segment) ? `!-${escapeAscii(punycode.encode(segment))}` : escapeAscii(segment);
}

function decodeSegment(segment: string): string {
  return segment.startsWith("!-") ? punycode.decode(unescapeAscii(segment.slice(2))) : unescapeAscii(segment);
}

function escapeAscii(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] as string;
    const interior = i > 0 && i < segment.length - 1;
    const kept =
      LITERAL.test(char) ||
      (char === "." && interior) ||
      (char === " " && interior && segment[i - 1] !== " " && segment[i + 1] !== " ");
    out += kept ? char : `!${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function unescapeAscii(segment: string): string {
  return segment.replace(/!([0-9A-F]{2})|!/g, (match: string, hex: string | undefined) => {
    if (hex === undefined) throw new Error(`stray '!' in '${segment}'`);
    return String.fromCharCode(Number.parseInt(hex, 16));
  });
}
