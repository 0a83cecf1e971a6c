import { Command } from "commander";
import { SnapshotNotFoundError, normalizePrefix, removeFolder, validateKey, type SnapshotStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { CliError, EXIT_CODES, UsageError } from "../exit-codes.js";
import { isFolder } from "../folder-hint.js";
import type { Location } from "../location.js";

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
          // Core's removeFolder: fresh listings batch by batch, one DeleteObjects per 1,000 keys on S3.
          let removed = await removeFolder(storage, prefix, { signal: ctx.abortSignal() });
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
