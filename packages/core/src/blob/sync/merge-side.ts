import { ListingCheck, uncheckedListing } from "../listing.js";
import type { SnapshotStorage, StreamListOptions } from "../storage.js";
import type { SyncFilter } from "./filter.js";
import { ListingBatches } from "./listing-batches.js";
import type { MergeSide } from "./merge.js";

/** Batches of 256 entries each side may read ahead of the merge: enough to keep both walks busy. */
const LOOKAHEAD_BATCHES = 4;

/**
 * One side of a merge over folder `folder` of `storage`, read ahead in batches and checked for
 * order. `filter` prunes folders it excludes whole; `onSkip` hears of entries the walk passes over.
 * Shared by {@link syncStorages} and {@link checkStorages}, so that both see the same listings.
 */
export function mergeSide(
  storage: SnapshotStorage,
  folder: string,
  filter: SyncFilter | undefined,
  onSkip: StreamListOptions["onSkip"],
): MergeSide {
  const cut = folder === "" ? 0 : folder.length + 1;
  const options: StreamListOptions = {};
  if (onSkip !== undefined) options.onSkip = onSkip;
  if (filter !== undefined) options.descend = (folderKey) => filter.descend(folderKey.slice(cut));
  return {
    listing: new ListingBatches(uncheckedListing(storage, folder, options), LOOKAHEAD_BATCHES),
    check: new ListingCheck(storage, folder),
    cut,
  };
}
