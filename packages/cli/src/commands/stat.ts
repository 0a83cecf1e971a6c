import { Command } from "commander";
import { formatRfc3339Ns, mtimeNsOf, requiresAdvancedStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { formatBytes, formatTime } from "../format.js";
import { fileKey } from "../keys.js";

/** What `stowage stat --json` prints. */
export interface StatOutput {
  path: string;
  size: number;
  /** RFC 3339, UTC, always 9 fraction digits (as `rclone lsjson`): the backend's time to the ns where it keeps one. */
  mtime: string;
  etag?: string;
  /** The MIME type, where the backend keeps one. */
  contentType?: string;
}

/** `stowage stat [--json] <location>`. */
export function statCommand(ctx: CommandContext): Command {
  return new Command("stat")
    .description("size, modification time, etag and content type of a file (advanced-tier backends)")
    .argument("<location>", "store::key of the file")
    .option("--json", "print {path, size, mtime, etag?, contentType?} (mtime in RFC 3339 with 9 fraction digits)")
    .addHelpText("after", "\nExamples:\n  stowage stat ./backup::db.sql\n  stowage stat --json s3://bucket::db.sql | jq .size\n")
    .action(async (text: string, flags: { json?: boolean }) => {
      const location = ctx.location(text);
      const key = fileKey(location);
      const storage = await ctx.open(location);
      requiresAdvancedStorage(storage, "stat");
      const stat = await storage.stat(key);
      const output: StatOutput = {
        path: stat.path,
        size: stat.size,
        mtime: formatRfc3339Ns(mtimeNsOf(stat)),
        ...(stat.etag === undefined ? {} : { etag: stat.etag }),
        ...(stat.contentType === undefined ? {} : { contentType: stat.contentType }),
      };
      if (flags.json) return ctx.printJson(output);
      ctx.print(`path   ${output.path}`);
      ctx.print(`size   ${formatBytes(output.size)} (${output.size} bytes)`);
      ctx.print(`mtime  ${formatTime(stat.mtime)} UTC (${output.mtime})`);
      if (output.etag !== undefined) ctx.print(`etag   ${output.etag}`);
      if (output.contentType !== undefined) ctx.print(`type   ${output.contentType}`);
    });
}
