import { compareKeys } from "../path.js";
import type { ListedFile } from "../walk.js";

/** One relative path of a sync, with what each side's listing holds there. */
export interface MergedPath {
  /** Path relative to both prefixes. */
  path: string;
  /** The source's file here (its `path` is the full key), if any. */
  source?: ListedFile;
  /** The target's file here (its `path` is the full key), if any. */
  target?: ListedFile;
  /**
   * Set when the source has a file here that the target cannot take, as the target's listing
   * shows: a target file sits where the path needs a folder, or the target has files below the path.
   */
  conflict?: string;
}

const SLASH = 0x2f;

/**
 * Merges two listings sorted by {@link compareKeys} (rclone's "march"), keyed relative to their
 * prefixes, into one stream of paths. Holds O(key length) entries besides the two heads, whatever
 * the size of the trees.
 *
 * It also finds, from the target's listing alone, the copies the target cannot take (see
 * {@link MergedPath.conflict}). A source-only path is held back while later target keys could
 * still lie below it; all such keys sort between it and the first key that does not start with it,
 * so what is held is a chain of string prefixes, and entries may come out of sorted order there.
 */
export async function* mergeListings(
  source: AsyncIterable<ListedFile>,
  sourcePrefix: string,
  target: AsyncIterable<ListedFile>,
  targetPrefix: string,
): AsyncGenerator<MergedPath, void, undefined> {
  const sources = source[Symbol.asyncIterator]();
  const targets = target[Symbol.asyncIterator]();
  const sourceCut = cutOf(sourcePrefix);
  const targetCut = cutOf(targetPrefix);
  /** Target keys that may be parent folders of later keys: each a string prefix of the next. */
  const targetChain: string[] = [];
  /** Source-only paths that later target keys may still turn into folders. */
  const held: MergedPath[] = [];
  try {
    let s = await sources.next();
    let t = await targets.next();
    while (s.done !== true || t.done !== true) {
      const sourcePath = s.done === true ? undefined : s.value.path.slice(sourceCut);
      const targetPath = t.done === true ? undefined : t.value.path.slice(targetCut);
      const order = sourcePath === undefined ? 1 : targetPath === undefined ? -1 : compareKeys(sourcePath, targetPath);
      const path = (order <= 0 ? sourcePath : targetPath) as string;
      yield* release(held, path);
      trim(targetChain, path);
      if (order > 0) {
        for (const pending of held) if (isBelow(path, pending.path)) pending.conflict = "a folder exists at this path";
        targetChain.push(path);
        yield { path, target: t.value as ListedFile };
        t = await targets.next();
        continue;
      }
      const entry = s.value as ListedFile;
      if (order === 0) {
        targetChain.push(path);
        yield { path, source: entry, target: t.value as ListedFile };
        t = await targets.next();
      } else {
        const parent = targetChain.find((key) => isBelow(path, key));
        const merged: MergedPath = { path, source: entry };
        if (parent !== undefined) merged.conflict = `'${parent}' is a file`;
        held.push(merged);
      }
      s = await sources.next();
    }
    yield* release(held, undefined);
  } finally {
    await Promise.all([sources.return?.(), targets.return?.()]);
  }
}

function cutOf(prefix: string): number {
  return prefix === "" ? 0 : prefix.length + 1;
}

/** Yields (and removes) the held paths that `next` can no longer lie below; all of them at the end. */
function* release(held: MergedPath[], next: string | undefined): Generator<MergedPath, void, undefined> {
  while (held.length > 0) {
    const last = held[held.length - 1] as MergedPath;
    if (next !== undefined && next.startsWith(last.path)) return;
    held.pop();
    yield last;
  }
}

/** Drops the chain's keys that are not string prefixes of `path` (nor, then, of any later key). */
function trim(chain: string[], path: string): void {
  while (chain.length > 0 && !path.startsWith(chain[chain.length - 1] as string)) chain.pop();
}

/** True when `key` lies below folder `folder` (`a/b` below `a`, not `ab`). */
function isBelow(key: string, folder: string): boolean {
  return key.length > folder.length && key.charCodeAt(folder.length) === SLASH && key.startsWith(folder);
}
