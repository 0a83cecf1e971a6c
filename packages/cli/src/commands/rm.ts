import { Command } from "commander";
import {
  SnapshotIOError,
  SnapshotNotFoundError,
  mapLimit,
  normalizePrefix,
  validateKey,
  walkFiles,
  type SnapshotStorage,
} from "@stowage/core";
import type { CommandContext } from "../context.js";
import { CliError, EXIT_CODES, UsageError } from "../exit-codes.js";
import { isFolder } from "../folder-hint.js";
import type { Location } from "../location.js";

const DELETE_CONCURRENCY = 8;
/** Files taken from the listing, then deleted, at a time: memory stays flat whatever the folder holds. */
const DELETE_BATCH = 1000;

/** `stowage rm [-r] [-f] <location...>`. */
export function rmCommand(ctx: CommandContext): Command {
  return new Command("rm")
    .description("delete files; with -r, everything under a folder")
    .argument("<location...>", "store::key of each file (store::folder with -r)")
    .option("-r, --recursive", "delete every file under the folder")
    .option("-f, --force", "no error for missing files; allow -r on a whole store")
    .addHelpText("after", "\nExamples:\n  stowage rm ./backup::old.tar\n  stowage rm -r ./backup::snapshots/2023\n")
    .action(async (texts: string[], flags: { recursive?: boolean; force?: boolean }) => {
      for (const text of texts) {
        const location = ctx.location(text);
        const storage = await openUnlessForcedMissing(ctx, location, flags.force === true);
        // `rm -f` on a missing local store has nothing to delete: exit 0, as rm(1) -f does.
        if (storage === undefined) continue;
        if (flags.recursive) {
          const prefix = normalizePrefix(location.key);
          if (prefix === "" && !flags.force) {
            throw new UsageError(`refusing to delete every file in '${location.text}': add --force`);
          }
          let removed = await removeTree(storage, prefix);
          // `rm -r store::file.txt` removes the file itself, like rm(1).
          if (prefix !== "" && (await storage.exists(prefix))) {
            await storage.delete(prefix);
            removed++;
          }
          if (removed === 0 && !flags.force) throw new SnapshotNotFoundError(prefix);
          continue;
        }
        if (location.key === "") throw new UsageError(`'${text}' names a whole store: use rm -r --force to empty it`);
        const key = validateKey(location.key);
        if (await storage.exists(key)) {
          await storage.delete(key);
        } else if (await isFolder(storage, key)) {
          throw new UsageError(`'${text}' is a folder, not a file: use rm -r`);
        } else if (!flags.force) {
          throw new SnapshotNotFoundError(key);
        }
      }
    });
}

/** The store of `location`; with `force`, `undefined` when it does not exist instead of exit 3. */
async function openUnlessForcedMissing(
  ctx: CommandContext,
  location: Location,
  force: boolean,
): Promise<SnapshotStorage | undefined> {
  try {
    return await ctx.open(location);
  } catch (error) {
    if (force && error instanceof CliError && error.exitCode === EXIT_CODES.notFound) return undefined;
    throw error;
  }
}

/**
 * Deletes every file below `prefix` and resolves with how many. Takes the first
 * {@link DELETE_BATCH} files of a fresh listing, closes it, deletes them, and starts over until a
 * listing comes up short: no listing is ever read while files it has yet to reach are deleted
 * (the blob contract says nothing of listings that change under them, and a paged index could skip
 * entries), and memory holds one batch. Each new listing starts where the deleted files were, so
 * the total work stays that of one walk.
 */
async function removeTree(storage: SnapshotStorage, prefix: string): Promise<number> {
  let removed = 0;
  let previous = new Set<string>();
  for (;;) {
    const batch = await firstFiles(storage, prefix, DELETE_BATCH);
    // A file listed again after its delete resolved would make this loop forever.
    const stuck = batch.find((key) => previous.has(key));
    if (stuck !== undefined) throw new SnapshotIOError(`'${stuck}' is still listed after it was deleted`, stuck);
    await mapLimit(batch, DELETE_CONCURRENCY, (key) => storage.delete(key));
    removed += batch.length;
    if (batch.length < DELETE_BATCH) return removed;
    previous = new Set(batch);
  }
}

/** The first `count` file keys below `prefix`, in listing order; the listing is released after. */
async function firstFiles(storage: SnapshotStorage, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const file of walkFiles(storage, prefix)) {
    keys.push(file.path);
    if (keys.length >= count) break;
  }
  return keys;
}
