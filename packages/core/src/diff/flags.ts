import { InvalidObjectError } from "../object-store/errors.js";

/**
 * Flags of a whole diff or sync, with diffsync's values (`DiffSyncFlags`). Combine them with `|`.
 *
 * - `CONTINUE_ON_FAILURE`: a model hook that throws `ObjectNotCreated` / `ObjectNotUpdated` /
 *   `ObjectNotDeleted` is logged and the sync goes on (without that object's children); without
 *   it the sync stops and rethrows.
 * - `SKIP_UNMATCHED_SRC`: objects only in the source are left out of the diff (nothing is created).
 * - `SKIP_UNMATCHED_DST`: objects only in the destination are left out (nothing is deleted).
 * - `LOG_UNCHANGED_RECORDS`: the sync logs a debug event for every unchanged object too.
 */
export const DiffSyncFlags = Object.freeze({
  NONE: 0,
  CONTINUE_ON_FAILURE: 1,
  SKIP_UNMATCHED_SRC: 2,
  SKIP_UNMATCHED_DST: 4,
  SKIP_UNMATCHED_BOTH: 6,
  LOG_UNCHANGED_RECORDS: 8,
} as const);

/**
 * Flags of one model class (`static modelFlags`) or one object (`getModelFlags()`), with
 * diffsync's values (`DiffSyncModelFlags`). Combine them with `|`.
 *
 * - `IGNORE`: the object and its children are left out of the diff, on either side.
 * - `SKIP_CHILDREN_ON_DELETE`: deleting this destination object removes its children from the
 *   store with it, without running their delete hooks (for systems that cascade deletes).
 * - `SKIP_UNMATCHED_SRC`: this source object is left out when the destination lacks it.
 * - `SKIP_UNMATCHED_DST`: this destination object is left out when the source lacks it.
 * - `NATURAL_DELETION_ORDER`: deleting this destination object deletes its children first.
 */
export const ModelFlags = Object.freeze({
  NONE: 0,
  IGNORE: 1,
  SKIP_CHILDREN_ON_DELETE: 2,
  SKIP_UNMATCHED_SRC: 4,
  SKIP_UNMATCHED_DST: 8,
  SKIP_UNMATCHED_BOTH: 12,
  NATURAL_DELETION_ORDER: 16,
} as const);

const ALL_DIFFSYNC_FLAGS = 1 | 2 | 4 | 8;
const ALL_MODEL_FLAGS = 1 | 2 | 4 | 8 | 16;

/** True when every bit of `flag` is set in `flags`. */
export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) === flag && flag !== 0;
}

/** Checks a {@link DiffSyncFlags} value; anything but a combination of known flags is rejected. */
export function checkDiffSyncFlags(flags: unknown): number {
  return checkFlags(flags, ALL_DIFFSYNC_FLAGS, "DiffSyncFlags");
}

/** Checks a {@link ModelFlags} value, as a model class or object (named by `owner`) declared it. */
export function checkModelFlags(flags: unknown, owner: object): number {
  return checkFlags(flags, ALL_MODEL_FLAGS, () => `ModelFlags of ${String(owner)}`);
}

function checkFlags(flags: unknown, known: number, what: string | (() => string)): number {
  if (typeof flags !== "number" || !Number.isInteger(flags) || flags < 0 || (flags & ~known) !== 0) {
    const name = typeof what === "string" ? what : what();
    throw new InvalidObjectError(`${name} must be a combination of the declared flags, got ${String(flags)}`);
  }
  return flags;
}
