import { Command } from "commander";
import { isAdvancedSnapshotStorage, listRecursive, mapLimit, type SnapshotStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { formatBytes, formatTime } from "../format.js";
import { folderKey } from "../keys.js";

/** One row of `ls --json`. `size`, `mtime` and `etag` appear with `--long` on backends that can stat. */
export interface ListEntry {
  path: string;
  type: "file" | "folder";
  size?: number;
  mtime?: string;
  etag?: string;
}

const STAT_CONCURRENCY = 16;

/** `stowage ls [-r] [-l] [--json] <location>`. */
export function lsCommand(ctx: CommandContext): Command {
  return new Command("ls")
    .description("list a folder: files, and sub-folders with a trailing /")
    .argument("<location>", "store or store::folder")
    .option("-r, --recursive", "every file below the folder, at any depth")
    .option("-l, --long", "add size and modification time")
    .option("--json", "print a JSON array of {path, type, size?, mtime?, etag?}")
    .addHelpText("after", "\nExamples:\n  stowage ls ./backup\n  stowage ls -rl ./backup::photos/2024\n  stowage ls --json s3://bucket::reports/\n")
    .action(async (text: string, flags: { recursive?: boolean; long?: boolean; json?: boolean }) => {
      const location = ctx.location(text);
      const storage = await ctx.open(location);
      const prefix = folderKey(location);
      let keys = flags.recursive ? await listRecursive(storage, prefix) : await storage.list(prefix);
      // `ls store::file.txt` shows the file, like ls(1) does.
      if (keys.length === 0 && prefix !== "" && (await storage.exists(prefix))) keys = [prefix];
      const entries = await describeEntries(storage, keys, flags.long === true);
      if (flags.json) return ctx.printJson(entries);
      for (const entry of entries) ctx.print(flags.long ? longLine(entry) : entry.path);
    });
}

async function describeEntries(storage: SnapshotStorage, keys: string[], long: boolean): Promise<ListEntry[]> {
  return mapLimit(keys, STAT_CONCURRENCY, async (key): Promise<ListEntry> => {
    if (key.endsWith("/")) return { path: key, type: "folder" };
    if (!long || !isAdvancedSnapshotStorage(storage)) return { path: key, type: "file" };
    const stat = await storage.stat(key);
    return {
      path: key,
      type: "file",
      size: stat.size,
      mtime: stat.mtime.toISOString(),
      ...(stat.etag === undefined ? {} : { etag: stat.etag }),
    };
  });
}

function longLine(entry: ListEntry): string {
  const size = entry.size === undefined ? "-" : formatBytes(entry.size);
  const mtime = entry.mtime === undefined ? "-" : formatTime(new Date(entry.mtime));
  return `${size.padStart(10)}  ${mtime.padEnd(19)}  ${entry.path}`;
}
