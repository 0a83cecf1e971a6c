import { compareKeys } from "../path.js";
import type { ListingCheck } from "../listing.js";
import type { ListedFile } from "../walk.js";
import type { ListingBatches } from "./listing-batches.js";

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

/** One side of a merge: a batched listing, the check of its entries, the length of its prefix with its slash. */
export interface MergeSide {
  listing: ListingBatches<ListedFile>;
  check: ListingCheck;
  cut: number;
}

const SLASH = 0x2f;
/**
 * Batches between two turns of the event loop: listings that answer from memory would otherwise
 * run a whole sync in microtasks, and timers (a progress display, a deadline) would never fire.
 */
const BATCHES_PER_TURN = 16;

/**
 * Merges two listings sorted by {@link compareKeys} (rclone's "march"), keyed relative to their
 * prefixes, handing each path to `visit` (awaited only when it returns a promise). Holds two
 * batches and O(key length) entries, whatever the size of the trees.
 *
 * It also finds, from the target's listing alone, the copies the target cannot take (see
 * {@link MergedPath.conflict}). A source-only path is held back while later target keys could
 * still lie below it; all such keys sort between it and the first key that does not start with it,
 * so what is held is a chain of string prefixes (and comes out in reverse order there).
 */
export async function mergeListings(
  source: MergeSide,
  target: MergeSide,
  visit: (merged: MergedPath) => void | Promise<void>,
): Promise<void> {
  const sources = new Cursor(source);
  const targets = new Cursor(target);
  /** Target keys that may be parent folders of later keys: each a string prefix of the next. */
  const targetChain: string[] = [];
  /** Source-only paths that later target keys may still turn into folders. */
  const held: MergedPath[] = [];
  const release = async (next: string | undefined): Promise<void> => {
    while (held.length > 0) {
      const last = held[held.length - 1] as MergedPath;
      if (next !== undefined && next.startsWith(last.path)) return;
      held.pop();
      await visit(last);
    }
  };

  await Promise.all([sources.load(), targets.load()]);
  for (;;) {
    const s = sources.entry;
    const t = targets.entry;
    if (s === undefined && t === undefined) break;
    const order = s === undefined ? 1 : t === undefined ? -1 : compareKeys(sources.path, targets.path);
    const path = order <= 0 ? sources.path : targets.path;
    if (held.length > 0) await release(path);
    while (targetChain.length > 0 && !path.startsWith(targetChain[targetChain.length - 1] as string)) targetChain.pop();
    if (order > 0) {
      for (const pending of held) if (isBelow(path, pending.path)) pending.conflict = "a folder exists at this path";
      targetChain.push(path);
      const visited = visit({ path, target: t as ListedFile });
      if (visited !== undefined) await visited;
      const moved = targets.advance();
      if (moved !== undefined) await moved;
      continue;
    }
    if (order === 0) {
      targetChain.push(path);
      const visited = visit({ path, source: s as ListedFile, target: t as ListedFile });
      if (visited !== undefined) await visited;
      const moved = targets.advance();
      if (moved !== undefined) await moved;
    } else {
      const merged: MergedPath = { path, source: s as ListedFile };
      const parent = targetChain.find((key) => isBelow(path, key));
      if (parent !== undefined) merged.conflict = `'${parent}' is a file`;
      held.push(merged);
    }
    const moved = sources.advance();
    if (moved !== undefined) await moved;
  }
  await release(undefined);
}

/** A position in a batched listing; `entry` is `undefined` once it is over. */
class Cursor {
  entry: ListedFile | undefined;
  /** The entry's key relative to the side's prefix. */
  path = "";
  #batch: ListedFile[] = [];
  #index = 0;
  #loads = 0;

  constructor(private readonly side: MergeSide) {}

  async load(): Promise<void> {
    if (++this.#loads % BATCHES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    this.#batch = (await this.side.listing.next()) ?? [];
    this.#index = 0;
    this.#set();
  }

  /** Moves to the next entry; awaits only at the end of a batch. */
  advance(): Promise<void> | undefined {
    this.#index++;
    if (this.#index < this.#batch.length) {
      this.#set();
      return undefined;
    }
    return this.load();
  }

  #set(): void {
    this.entry = this.#batch[this.#index];
    if (this.entry === undefined) return;
    this.side.check.next(this.entry.path);
    this.path = this.entry.path.slice(this.side.cut);
  }
}

/** True when `key` lies below folder `folder` (`a/b` below `a`, not `ab`). */
function isBelow(key: string, folder: string): boolean {
  return key.length > folder.length && key.charCodeAt(folder.length) === SLASH && key.startsWith(folder);
}
