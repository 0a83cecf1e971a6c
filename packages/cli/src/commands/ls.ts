import { Command } from "commander";
import { formatRfc3339Ns, isAdvancedSnapshotStorage, mapLimit, mtimeNsOf, walkFiles, type ListedFile, type SnapshotStorage } from "@stowage/core";
import { inBatches } from "../batches.js";
import type { CommandContext } from "../context.js";
import { formatBytes } from "../format.js";
import { JsonArrayWriter } from "../json-array.js";
import { folderKey } from "../keys.js";

/** One row of `ls --json`. `size`, `mtime` and `etag` appear with `--long` on backends that can stat. */
export interface ListEntry {
  path: string;
  type: "file" | "folder";
  size?: number;
  /** RFC 3339, UTC, always 9 fraction digits (as `rclone lsjson`). */
  mtime?: string;
  etag?: string;
}

/** Stat calls in flight for `-l` (only entries whose listing lacks an exact stat need one). */
const STAT_CONCURRENCY = 16;
/** Entries described and printed at a time: output starts at once and memory stays flat. */
const PAGE = 256;

/** `stowage ls [-r] [-l] [--json] <location>`. */
export function lsCommand(ctx: CommandContext): Command {
  return new Command("ls")
    .description("list a folder: files, and sub-folders with a trailing /")
    .argument("<location>", "store or store::folder")
    .option("-r, --recursive", "every file below the folder, at any depth (printed as the listing streams)")
    .option("-l, --long", "add size and modification time")
    .option("--json", "print a JSON array of {path, type, size?, mtime?, etag?}")
    .addHelpText("after", "\nExamples:\n  stowage ls ./backup\n  stowage ls -rl ./backup::photos/2024\n  stowage ls --json s3://bucket::reports/\n")
    .action(async (text: string, flags: { recursive?: boolean; long?: boolean; json?: boolean }) => {
      const location = ctx.location(text);
      const storage = await ctx.open(location);
      const prefix = folderKey(location);
      const long = flags.long === true;
      const json = flags.json ? new JsonArrayWriter(ctx.io.stdout) : undefined;
      const show = (entry: ListEntry): void => (json ? json.add(entry) : ctx.print(long ? longLine(entry) : entry.path));
      // -r streams the deep listing (sorted, a page or a folder at a time); one level is one list call.
      const found = flags.recursive ? walkFiles(storage, prefix) : oneLevel(storage, prefix);
      let shown = 0;
      for await (const page of inBatches(found, PAGE)) {
        for (const entry of await mapLimit(page, STAT_CONCURRENCY, (item) => describe(storage, item, long))) show(entry);
        shown += page.length;
      }
      // `ls store::file.txt` shows the file, like ls(1) does.
      if (shown === 0 && prefix !== "" && (await storage.exists(prefix))) show(await describe(storage, { path: prefix }, long));
      json?.end();
    });
}

/** One folder level, sub-folders as keys ending in `/`. */
async function* oneLevel(storage: SnapshotStorage, prefix: string): AsyncGenerator<ListedFile, void, undefined> {
  for (const key of await storage.list(prefix)) yield { path: key };
}

/** An entry as printed: the listing's own stat where it is exact, else a `stat` call (with `-l` only). */
async function describe(storage: SnapshotStorage, listed: ListedFile, long: boolean): Promise<ListEntry> {
  if (listed.path.endsWith("/")) return { path: listed.path, type: "folder" };
  if (!long || !isAdvancedSnapshotStorage(storage)) return { path: listed.path, type: "file" };
  const known = listed.size !== undefined && listed.mtime !== undefined && listed.needsStat !== true;
  const stat = known ? listed : await storage.stat(listed.path);
  return {
    path: listed.path,
    type: "file",
    ...(stat.size === undefined ? {} : { size: stat.size }),
    ...(stat.mtime === undefined ? {} : { mtime: formatRfc3339Ns(mtimeNsOf({ mtime: stat.mtime, mtimeNs: stat.mtimeNs })) }),
    ...(stat.etag === undefined ? {} : { etag: stat.etag }),
  };
}

function longLine(entry: ListEntry): string {
  const size = entry.size === undefined ? "-" : formatBytes(entry.size);
  // Whole seconds are shown: the first 19 characters of the RFC 3339 time.
  const mtime = entry.mtime === undefined ? "-" : entry.mtime.slice(0, 19).replace("T", " ");
  return `${size.padStart(10)}  ${mtime.padEnd(19)}  ${entry.path}`;
}
