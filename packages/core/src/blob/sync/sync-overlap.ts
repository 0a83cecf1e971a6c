import { InvalidOptionsError, InvalidPathError } from "../../errors.js";
import { comparePlaces, placeBelow, placeOf, type PlaceRelation } from "../place.js";
import type { SnapshotStorage } from "../storage.js";
import { SyncFilter, type SyncFilterRule } from "./filter.js";

/** One folder a sync reads or writes: its storage and its normalized prefix. */
export interface SyncFolder {
  storage: SnapshotStorage;
  /** Normalized (see `normalizePrefix`). */
  prefix: string;
}

/**
 * How folder `nested` lies relative to folder `outer` (see {@link PlaceRelation}), and how that was
 * judged: `identity` (one storage object: its prefixes compared), `place` (both backends said
 * where they are, {@link PlacedStorage.place}), or `unknown` (a backend does not say; the relation
 * is then `apart`, as far as core can tell).
 */
export interface FolderRelation {
  relation: PlaceRelation;
  judged: "identity" | "place" | "unknown";
  /** With `inside`: the folder names of `nested` below `outer` (see {@link StoragePlace.names}). */
  below: readonly string[];
}

/** Compares two folders by place (reading what the backends need to say where they are). */
export async function relateFolders(outer: SyncFolder, nested: SyncFolder): Promise<FolderRelation> {
  let judged: FolderRelation["judged"] = "identity";
  let a = placeBelow("", [], outer.prefix);
  let b = placeBelow("", [], nested.prefix);
  if (outer.storage !== nested.storage) {
    const [x, y] = await Promise.all([placeOf(outer.storage, outer.prefix), placeOf(nested.storage, nested.prefix)]);
    if (x === undefined || y === undefined) return { relation: "apart", judged: "unknown", below: [] };
    [a, b, judged] = [x, y, "place"];
  }
  const relation = comparePlaces(b, a);
  return { relation, judged, below: relation === "inside" ? (b.names ?? b.path).slice(a.path.length) : [] };
}

/**
 * True when a folder `below` (segments, relative to a sync side's folder) is left out whole by
 * `filter`: some folder on its way is excluded (rclone's `OverlappingFilterCheck`), so the side's
 * listing never reaches it. `--backup-dir dst/old --exclude '/old/**'` is the rclone idiom.
 */
export function excludedByFilter(filter: readonly SyncFilterRule[] | undefined, below: readonly string[]): boolean {
  if (filter === undefined || filter.length === 0 || below.length === 0) return false;
  const rules = new SyncFilter(filter);
  for (let depth = 1; depth <= below.length; depth++) {
    if (!rules.descend(below.slice(0, depth).join("/"))) return true;
  }
  return false;
}

/**
 * Whether `nested` overlaps `outer` in a way a sync must refuse: the same folder, `outer` inside
 * `nested`, or `nested` inside `outer` unless `filter` excludes it there (see
 * {@link excludedByFilter}). Resolves with the relation found (`apart` when allowed).
 */
export async function overlapOf(outer: SyncFolder, nested: SyncFolder, filter: readonly SyncFilterRule[] | undefined): Promise<FolderRelation> {
  const found = await relateFolders(outer, nested);
  if (found.relation === "inside" && excludedByFilter(filter, found.below)) return { ...found, relation: "apart" };
  return found;
}

/** The folders of one sync, as {@link refuseSyncOverlap} checks them. */
export interface SyncFolders {
  source: SyncFolder;
  target: SyncFolder;
  backup?: SyncFolder;
}

/**
 * Refuses, before any write, a sync whose folders overlap by place (rclone's checks): the target
 * and the source (`InvalidPathError`, `E_INVALID_PATH`), and the backup folder with the target or
 * the source (`InvalidOptionsError`, `E_INVALID_OPTIONS`, option `backupDir.prefix`). A target
 * or backup folder nested in a side whose `filter` excludes it is allowed. Folders of one storage
 * object are compared by prefix; of two, by {@link PlacedStorage.place} where both backends say,
 * else they are taken as apart (the CLI then compares their URLs).
 */
export async function refuseSyncOverlap(folders: SyncFolders, filter: readonly SyncFilterRule[] | undefined): Promise<void> {
  const { source, target, backup } = folders;
  const pair = await overlapOf(source, target, filter);
  if (pair.relation !== "apart") {
    throw new InvalidPathError(target.prefix, `sync folders overlap: target '${target.prefix}' ${describe(pair.relation)} source '${source.prefix}'${how(pair)}`);
  }
  if (backup === undefined) return;
  for (const [side, name] of [
    [target, "target"],
    [source, "source"],
  ] as const) {
    const found = await overlapOf(side, backup, filter);
    if (found.relation !== "apart") {
      throw new InvalidOptionsError("backupDir.prefix", backup.prefix, `must not overlap the sync's ${name} folder '${side.prefix}' (it ${describe(found.relation)} it${how(found)})`, "sync");
    }
  }
}

function describe(relation: PlaceRelation): string {
  return relation === "same" ? "is the same folder as" : relation === "inside" ? "lies inside" : "contains";
}

function how(found: FolderRelation): string {
  return found.judged === "place" ? ", by place" : "";
}
