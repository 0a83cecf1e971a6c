import { backendName, excludedByFilter, InvalidPathError, relateFolders, type FolderRelation, type SyncFilterRule } from "@stowage/core";
import type { CommandContext } from "./context.js";
import { UsageError } from "./exit-codes.js";
import { folderKey } from "./keys.js";
import type { Location } from "./location.js";
import { realRelation } from "./real-location.js";

/** How location `nested` lies relative to location `outer`. */
export type Judge = (outer: Location, nested: Location) => Promise<FolderRelation>;

/**
 * Judges locations before any store is opened: two local paths by where they really lead
 * ({@link realRelation}), since opening a local destination creates it; anything else is left to
 * {@link byPlace}, once the stores are open.
 */
export const beforeOpening: Judge = async (outer, nested) =>
  outer.store.protocol === "file:" && nested.store.protocol === "file:" ? realRelation(outer, nested) : { relation: "apart", judged: "unknown", below: [] };

/**
 * Judges two locations by the place their backends say they are (core's `relateFolders`: a
 * server's id, a folder's inode, an endpoint and bucket). A backend that does not say
 * (`place()` missing) falls back to the URLs ({@link realRelation}), which `-v` reports.
 */
export function byPlace(ctx: CommandContext): Judge {
  return async (outer, nested) => {
    const [a, b] = await Promise.all([ctx.open(outer), ctx.open(nested)]);
    const found = await relateFolders({ storage: a, prefix: folderKey(outer) }, { storage: b, prefix: folderKey(nested) });
    if (found.judged !== "unknown") return found;
    if (ctx.options.verbose) {
      const silent = [a, b].filter((storage) => typeof (storage as { place?: unknown }).place !== "function").map(backendName);
      ctx.io.stderr.write(`stowage: ${[...new Set(silent)].join(" and ")} does not say where its folders are: '${outer.text}' and '${nested.text}' compared by URL\n`);
    }
    return realRelation(outer, nested);
  };
}

/** True when a sync must refuse `found`: any overlap but a folder nested where `filter` excludes it (rclone's rule). */
export function refused(found: FolderRelation, filter: readonly SyncFilterRule[] | undefined): boolean {
  if (found.relation === "apart") return false;
  return !(found.relation === "inside" && excludedByFilter(filter, found.below));
}

/**
 * Refuses a sync whose folders overlap, as `judge` sees them: a destination overlapping the source
 * (`InvalidPathError`, exit 4), a backup folder overlapping either (`UsageError`, exit 2). A
 * destination or backup folder nested where the filter excludes it is allowed, as in rclone
 * (`--backup-dir dst/old --exclude '/old/**'`).
 */
export async function refuseSyncOverlaps(
  judge: Judge,
  sides: { from: Location; to: Location; backup?: Location | undefined },
  filter: readonly SyncFilterRule[] | undefined,
): Promise<void> {
  const { from, to, backup } = sides;
  if (refused(await judge(from, to), filter)) throw new InvalidPathError(to.text, `it overlaps the source '${from.text}'`);
  if (backup === undefined) return;
  for (const [side, name] of [
    [to, "destination"],
    [from, "source"],
  ] as const) {
    if (refused(await judge(side, backup), filter)) {
      throw new UsageError(`--backup-dir '${backup.text}' overlaps the ${name} '${side.text}': choose a folder outside both`);
    }
  }
}
