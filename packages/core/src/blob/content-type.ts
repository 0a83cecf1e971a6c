import { createRequire } from "node:module";
import { InvalidOptionsError } from "../errors.js";

type Lookup = (name: string) => string | false;
let lookup: Lookup | undefined;

/**
 * `mime-types`' lookup, loaded on the first name to type: its table takes about 10 ms to load,
 * which every `stowage` command and every importer of core would pay otherwise, though only
 * writes of new files ask for a type.
 */
function mimeLookup(): Lookup {
  lookup ??= (createRequire(import.meta.url)("mime-types") as { lookup: Lookup }).lookup;
  return lookup;
}

/**
 * The MIME type a file's name implies, as rclone sets `Content-Type` on upload: from the
 * extension, through the `mime-types` table, with `; charset=utf-8` added to `text/*` types the
 * way Go's `mime.TypeByExtension` (which rclone calls) adds it. `undefined` when the extension is
 * unknown, so that a backend sends no type (S3 then stores `application/octet-stream`, as it does
 * for rclone).
 */
export function contentTypeFor(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const name = key.slice(slash + 1);
  // A leading dot starts a hidden name, not an extension (`.gitignore` has none), as in Go.
  if (name.lastIndexOf(".") <= 0) return undefined;
  const type = mimeLookup()(name);
  if (type === false) return undefined;
  return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
}

// Printable ASCII only: a type goes into an HTTP header, where CR/LF would inject headers.
const HEADER_VALUE = /^[\x20-\x7e]+$/;

/**
 * `WriteOptions.contentType` checked before any I/O: absent, or a non-empty string of printable
 * ASCII. Throws `InvalidOptionsError` (`E_INVALID_OPTIONS`) naming `backend` otherwise.
 */
export function checkedContentType(type: unknown, backend: string): string | undefined {
  if (type === undefined) return undefined;
  if (typeof type !== "string" || !HEADER_VALUE.test(type)) {
    throw new InvalidOptionsError("contentType", type, "must be a non-empty string of printable ASCII", backend);
  }
  return type;
}
