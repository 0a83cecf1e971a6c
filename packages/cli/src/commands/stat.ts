import { Command } from "commander";
import { requiresAdvancedStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { formatBytes, formatTime } from "../format.js";
import { fileKey } from "../keys.js";

/** What `stowage stat --json` prints. */
export interface StatOutput {
  path: string;
  size: number;
  /** ISO 8601, UTC. */
  mtime: string;
  etag?: string;
}

/** `stowage stat [--json] <location>`. */
export function statCommand(ctx: CommandContext): Command {
  return new Command("stat")
    .description("size, modification time and etag of a file (advanced-tier backends)")
    .argument("<location>", "store::key of the file")
    .option("--json", "print {path, size, mtime, etag?}")
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
        mtime: stat.mtime.toISOString(),
        ...(stat.etag === undefined ? {} : { etag: stat.etag }),
      };
      if (flags.json) return ctx.printJson(output);
      ctx.print(`path   ${output.path}`);
      ctx.print(`size   ${formatBytes(output.size)} (${output.size} bytes)`);
      ctx.print(`mtime  ${formatTime(stat.mtime)} UTC`);
      if (output.etag !== undefined) ctx.print(`etag   ${output.etag}`);
    });
}
