import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { redactText } from "@stowage/core";
import { UsageError } from "./exit-codes.js";

/**
 * Where a command reads or writes: a store (a backend, addressed by URL) and a key inside it.
 *
 * Written `<store>` or `<store>::<key>`. The store is a URL (`memory://`, `redis://host:6379/0`,
 * `s3://bucket/prefix?region=eu-west-1`, `file:///srv/backup`) or a plain filesystem path
 * (`./backup`, `/srv/backup`), which means `file:`. The key after `::` is a stowage key, always
 * `/`-separated and relative to the store's root: `./backup::photos/2024/cat.jpg`. Without `::`
 * the location is the store's root folder.
 *
 * Why `::` and not the URL's own path: in `file:///srv/backup/photos/cat.jpg` nothing tells where
 * the store ends and the key begins, yet that matters (sync deletes within the store, keys are
 * validated, stores are opened once). `::` never occurs in a URL outside an IPv6 literal, which
 * is skipped (`redis://[::1]:6379::key`).
 */
export interface Location {
  /** The store's URL; plain paths are resolved against the working directory into `file:` URLs. */
  store: URL;
  /** The key or folder inside the store, as written (`""` for the root). Validated by the command. */
  key: string;
  /** The location as the user wrote it, for messages. */
  text: string;
}

// A scheme of two or more letters: one letter is a Windows drive (`C:\data`), which is a path.
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/** Parses `<store>[::<key>]`; throws {@link UsageError} when the store part is not a valid URL. */
export function parseLocation(text: string, cwd: string = process.cwd()): Location {
  const split = findSeparator(text);
  const storeText = split === -1 ? text : text.slice(0, split);
  const key = split === -1 ? "" : text.slice(split + 2);
  if (storeText === "") throw new UsageError(`'${text}' names no store before '::' (write ./folder::${key}, memory://::${key}, ...)`);
  return { store: parseStore(storeText, cwd), key, text };
}

/** Turns a store URL or plain path into a URL. */
export function parseStore(text: string, cwd: string = process.cwd()): URL {
  if (!SCHEME.test(text)) return plainPathUrl(text, cwd);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text may carry a password (redis://:secret@host): never print its user info.
    throw new UsageError(`'${redactText(text)}' is not a valid store URL`);
  }
  if (url.protocol === "file:") checkFileUrl(text);
  return url;
}

/**
 * A plain path as a `file:` URL. A `?` is refused rather than read either way: taking it as part
 * of the name silently created a folder called `dst?durable=false`, and taking it as options would
 * make a folder whose name holds `?` unreachable. Options go in a `file:` URL, where the query is
 * unambiguous (and a `?` in a name is written `%3F`).
 */
function plainPathUrl(text: string, cwd: string): URL {
  const query = text.indexOf("?");
  if (query === -1) return pathToFileURL(resolve(cwd, text));
  const suggestion = `${pathToFileURL(resolve(cwd, text.slice(0, query))).href}${text.slice(query)}`;
  throw new UsageError(`'${text}' is a plain path with '?': options need a file URL, ${suggestion}`);
}

/**
 * Refuses `file:` URLs that are not absolute: `file://backup/x` names host `backup`, and
 * `file:backup` is read by WHATWG URL as `/backup`; neither is the relative folder meant.
 */
function checkFileUrl(text: string): void {
  if (/^file:\/\/(localhost)?\//i.test(text)) return;
  // On Windows a host is a network share (file://server/share/dir), which Node accepts.
  if (process.platform === "win32" && /^file:\/\/[^/]/i.test(text)) return;
  const path = text.replace(/^file:(\/\/)?/i, "");
  throw new UsageError(
    `'${text}' is not an absolute file URL: write file:///abs/path (three slashes) or a plain path like ./${path}`,
  );
}

/** Index of the first `::` outside square brackets (IPv6 hosts), or -1. */
function findSeparator(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const char = text[i];
    if (char === "[") depth++;
    else if (char === "]") depth = Math.max(0, depth - 1);
    else if (depth === 0 && char === ":" && text[i + 1] === ":") return i;
  }
  return -1;
}
