/**
 * How a stowage key becomes an unstorage key, and back.
 *
 * unstorage normalises keys before any driver sees them: `/` and `\` become its separator `:`,
 * runs of `:` collapse, everything from a `?` on is dropped, and a key ending in `$` is hidden from
 * `getKeys` (that is where it keeps meta). Its fs driver refuses a segment ending in `..`. Left as
 * they are, distinct stowage keys would merge (`a/b` and `a:b`, `x?1` and `x?2`). So each segment is
 * written with the characters unstorage changes percent-escaped (`%` itself, `:`, `?`, `$`, and a
 * dot that ends a segment), and segments are joined with `:`. Everything else, unicode included,
 * is kept as it is, so keys that a program already stored through unstorage (`docs:readme.md`)
 * read back under the stowage key they look like (`docs/readme.md`).
 */

const ESCAPED = /[%:?$]|\.$/gu;

/** The unstorage key of a valid stowage key (or of a normalized folder, `""` for the root). */
export function encodeKey(key: string): string {
  if (key === "") return "";
  return key
    .split("/")
    .map((segment) => segment.replace(ESCAPED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`))
    .join(":");
}

/**
 * The stowage key of an unstorage key, or `undefined` when the key is not one that
 * {@link encodeKey} produces (a raw `$`, a bad escape, an empty segment): such keys were not written
 * through a bridge, cannot be addressed by one, and are left out of listings.
 */
export function decodeKey(stored: string): string | undefined {
  let key: string;
  try {
    key = stored
      .split(":")
      .map((segment) => decodeURIComponent(segment))
      .join("/");
  } catch {
    return undefined;
  }
  return encodeKey(key) === stored ? key : undefined;
}
