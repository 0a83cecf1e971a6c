import nodePath, { type PlatformPath } from "node:path";
import { InvalidPathError } from "../errors.js";
import { validateKey } from "./path.js";

/**
 * Maps a stowage key onto a filesystem path below `root`, for backends that store keys as files.
 *
 * The key is checked with {@link validateKey} (so `""` is rejected: map the root folder yourself), joined
 * segment by segment, and the result is checked lexically to lie strictly inside `root`. This is
 * defence in depth: the key rules already forbid `..`, absolute keys and backslashes, but a second,
 * independent check means a future relaxation of those rules cannot open an escape. On Windows,
 * segments with `:` (drive letters, NTFS alternate data streams) are rejected too.
 *
 * Purely lexical: it cannot see symbolic links. A backend must still refuse to follow links that
 * are planted inside `root` (see `@stowage/local`'s symlink policy).
 *
 * @param root - An absolute, normalized folder path (ideally already canonical: `realpath`).
 * @param key - A key (a normalized non-empty folder prefix is a valid key too).
 * @param platformPath - `node:path` by default; pass `path.win32` or `path.posix` to pin the rules.
 */
export function resolveUnderRoot(root: string, key: string, platformPath: PlatformPath = nodePath): string {
  validateKey(key);
  if (platformPath.sep === "\\" && key.includes(":")) {
    throw new InvalidPathError(key, "':' is not allowed in a path segment on Windows");
  }
  const resolved = platformPath.join(root, key);
  // Lexical containment: join resolves any `..`, so a path that escapes no longer starts with the
  // root's. A prefix test, not `path.relative`, which resolves both paths against the working
  // folder and cost more than the rest of a local read's path handling.
  const base = platformPath.join(root, platformPath.sep);
  if (resolved.length <= base.length || !resolved.startsWith(base)) {
    throw new InvalidPathError(key, "resolves outside the storage root");
  }
  return resolved;
}
