import { InvalidPathError } from "../errors.js";

/**
 * The one set of key rules every stowage backend applies before any I/O.
 *
 * A key is a relative POSIX path of one or more `/`-separated segments. Rejected: non-strings,
 * the empty key, a leading `/`, empty segments (`a//b`, trailing `/`), `.` and `..` segments,
 * backslashes (a Windows separator that could escape a root), control characters including NUL,
 * segments over 255 UTF-8 bytes and keys over 1024 UTF-8 bytes (the limits of common filesystems
 * and of S3), and strings that are not well-formed Unicode (a lone surrogate such as `"a\uD800"`
 * has no UTF-8 form: filesystems, S3 and Redis would store U+FFFD instead, so `"a\uD800"` and
 * `"a\uDC00"` would become one file). Everything else, including unicode, spaces and `: # ? % + & =`, is a literal
 * character that must round-trip on every backend; `%2e%2e` is a file name, not `..`. Keys are
 * exact code-point strings: no case folding and no unicode normalization, so `readme` and
 * `README`, or the NFC and NFD spellings of `café`, are different files on every backend.
 */

/** Longest segment accepted, in UTF-8 bytes (ext4, APFS, NTFS: 255). */
export const MAX_SEGMENT_BYTES = 255;
/** Longest key accepted, in UTF-8 bytes (S3: 1024). */
export const MAX_KEY_BYTES = 1024;

// C0 controls (NUL included) and DEL: invisible in listings and refused by several backends.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks a file key and returns it unchanged, or throws {@link InvalidPathError}. */
export function validateKey(key: unknown): string {
  if (typeof key !== "string") throw new InvalidPathError(key, "a key must be a string");
  if (key.length === 0) throw new InvalidPathError(key, "a key must not be empty");
  if (!isPlainAsciiKey(key)) checkSegments(key);
  return key;
}

/**
 * True when {@link validateKey} accepts `key`. For listings that pass over names a backend holds
 * but stowage cannot address (they were not written through stowage), rather than fail on them.
 */
export function isValidKey(key: unknown): key is string {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a folder prefix and returns it without a trailing `/`. The empty prefix `""` means the
 * storage root (`"/"` is rejected as absolute); `"a/b"` and `"a/b/"` name the same folder.
 */
export function normalizePrefix(prefix: unknown): string {
  if (typeof prefix !== "string") throw new InvalidPathError(prefix, "a prefix must be a string");
  if (prefix === "") return "";
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (trimmed === "") throw new InvalidPathError(prefix, "an absolute path is not allowed");
  checkSegments(trimmed, prefix);
  return trimmed;
}

/**
 * One pass over a key made only of printable ASCII (where UTF-8 bytes are characters): true when
 * it obeys every rule of {@link checkSegments}, which then need not run. Every key it doubts
 * (non-ASCII, a backslash, an empty, `.` or `..` segment, a size limit) goes through the full
 * check, which alone says why a key is refused. Validation is on every call of every backend, and
 * the full check costs about ten times this for a typical key (issue 14).
 */
function isPlainAsciiKey(key: string): boolean {
  const length = key.length;
  if (length > MAX_KEY_BYTES) return false;
  let start = 0;
  for (let i = 0; i <= length; i++) {
    const code = i === length ? 0x2f : key.charCodeAt(i);
    if (code === 0x2f) {
      const size = i - start;
      if (size === 0 || size > MAX_SEGMENT_BYTES) return false;
      if (key.charCodeAt(start) === 0x2e && (size === 1 || (size === 2 && key.charCodeAt(start + 1) === 0x2e))) return false;
      start = i + 1;
    } else if (code < 0x20 || code > 0x7e || code === 0x5c) {
      return false;
    }
  }
  return true;
}

function checkSegments(key: string, original: string = key): void {
  if (key.startsWith("/")) throw new InvalidPathError(original, "an absolute path is not allowed");
  if (key.includes("\\")) throw new InvalidPathError(original, "backslashes are not allowed");
  if (CONTROL.test(key)) throw new InvalidPathError(original, "control characters (including NUL) are not allowed");
  if (LONE_SURROGATE.test(key)) {
    throw new InvalidPathError(original, "a lone surrogate is not well-formed Unicode and has no UTF-8 form");
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidPathError(original, `longer than ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
  for (const segment of key.split("/")) {
    if (segment === "") throw new InvalidPathError(original, "empty path segments are not allowed");
    if (segment === "." || segment === "..") {
      throw new InvalidPathError(original, `'${segment}' segments are not allowed`);
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new InvalidPathError(original, `a segment is longer than ${MAX_SEGMENT_BYTES} UTF-8 bytes`);
    }
  }
}

/** Joins a normalized prefix and a relative key: `joinKey("", "a")` is `"a"`, `joinKey("p", "a")` is `"p/a"`. */
export function joinKey(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}/${key}`;
}

/** True when `key` lies inside folder `prefix` (segment-wise: `snap` does not contain `snapshot2/x`). */
export function isUnderPrefix(key: string, prefix: string): boolean {
  return prefix === "" || key.startsWith(`${prefix}/`);
}

/** `key` relative to folder `prefix`; `key` must be {@link isUnderPrefix under} it. */
export function relativeKey(key: string, prefix: string): string {
  return prefix === "" ? key : key.slice(prefix.length + 1);
}

/** True when two folders are the same or one contains the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a === b || isUnderPrefix(a, b) || isUnderPrefix(b, a);
}

/** The parent folders of a key, nearest last: `parentFolders("a/b/c")` is `["a", "a/b"]`. */
export function parentFolders(key: string): string[] {
  const parents: string[] = [];
  for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) parents.push(key.slice(0, i));
  return parents;
}

/**
 * The order of every listing on every backend: by Unicode code point, which is also UTF-8 byte
 * order (what S3 and Redis sorted sets use). JavaScript's default sort compares UTF-16 code units,
 * which differs for characters beyond the Basic Multilingual Plane.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-DFFF) encode code points above U+FFFF, so they sort after U+E000-FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts keys in place in {@link compareKeys} order and returns the array. */
export function sortKeys<T extends string>(keys: T[]): T[] {
  return keys.sort(compareKeys);
}
