import { realpath } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { isUnderPrefix, normalizePrefix } from "@stowage/core";
import type { Location } from "./location.js";

/**
 * True when two locations may name the same or nested folders through DIFFERENT store URLs:
 * `./backup::a` and `./backup/a`, `s3://bucket/x` and `s3://bucket::x/y`, or `./dst` and
 * `./link-to-dst/bak`. Core catches overlap within one store object; across store URLs only their
 * addresses can tell. Compared: scheme, host and query must match (a `file:` URL's query holds
 * options, not a place, and is ignored), then the URL path joined with the key is checked
 * segment-wise. A local path is compared where it really leads: symbolic links in it are resolved
 * (see {@link realLocalPath}), as the operating system follows them when the store is opened.
 */
export async function locationsOverlap(a: Location, b: Location): Promise<boolean> {
  if (space(a.store) !== space(b.store)) return false;
  const x = await physicalPath(a);
  const y = await physicalPath(b);
  return x === y || isUnderPrefix(x, y) || isUnderPrefix(y, x);
}

function space(url: URL): string {
  return `${url.protocol}//${url.host}${url.protocol === "file:" ? "" : url.search}`;
}

async function physicalPath(location: Location): Promise<string> {
  const key = normalizePrefix(location.key);
  if (location.store.protocol === "file:") {
    const path = await realLocalPath(key === "" ? fileURLToPath(location.store) : join(fileURLToPath(location.store), ...key.split("/")));
    return segmentsOf(path, sep);
  }
  const segments = segmentsOf(decodeURIComponent(location.store.pathname), "/");
  return [...(segments === "" ? [] : [segments]), ...(key === "" ? [] : [key])].join("/");
}

/**
 * `path` with every symbolic link resolved: the real path of its deepest existing ancestor, then
 * the rest, which does not exist yet (a backup folder the sync will create). A path whose
 * ancestors cannot be read is compared as written.
 */
export async function realLocalPath(path: string): Promise<string> {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(await realpath(existing), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(existing);
      if ((code !== "ENOENT" && code !== "ENOTDIR") || parent === existing) return path;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

function segmentsOf(path: string, separator: string): string {
  return path
    .split(separator)
    .filter((segment) => segment !== "")
    .join("/");
}
