import { Command } from "commander";
import { SnapshotNotFoundError, listRecursive, mapLimit, normalizePrefix, validateKey } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { UsageError } from "../exit-codes.js";

const DELETE_CONCURRENCY = 8;

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
        const storage = await ctx.open(location);
        if (flags.recursive) {
          const prefix = normalizePrefix(location.key);
          if (prefix === "" && !flags.force) {
            throw new UsageError(`refusing to delete every file in '${location.text}': add --force`);
          }
          const keys = await listRecursive(storage, prefix);
          // `rm -r store::file.txt` removes the file itself, like rm(1).
          if (prefix !== "" && (await storage.exists(prefix))) keys.push(prefix);
          if (keys.length === 0 && !flags.force) throw new SnapshotNotFoundError(prefix);
          await mapLimit(keys, DELETE_CONCURRENCY, (key) => storage.delete(key));
          continue;
        }
        if (location.key === "") throw new UsageError(`'${text}' names a whole store: use rm -r --force to empty it`);
        const key = validateKey(location.key);
        if (await storage.exists(key)) {
          await storage.delete(key);
        } else if ((await storage.list(key)).length > 0) {
          throw new UsageError(`'${text}' is a folder: use rm -r`);
        } else if (!flags.force) {
          throw new SnapshotNotFoundError(key);
        }
      }
    });
}
