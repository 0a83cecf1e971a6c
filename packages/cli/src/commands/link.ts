import { Command } from "commander";
import { requiresSignedUrls } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { UsageError } from "../exit-codes.js";
import { fileKey } from "../keys.js";

/** What `stowage link --json` prints. */
export interface LinkOutput {
  url: string;
  method: "GET" | "PUT";
  /** When the link stops working: ISO 8601, UTC. */
  expires: string;
}

/**
 * `stowage link [--expire 1h] [--put] [--json] <location>`: rclone's `link`, a time-limited URL
 * that downloads (or, with `--put`, uploads) one file without credentials. Backends that cannot
 * sign URLs exit 5 (`E_CAPABILITY`).
 */
export function linkCommand(ctx: CommandContext): Command {
  return new Command("link")
    .description("print a signed, time-limited URL of a file (backends that sign URLs: S3)")
    .argument("<location>", "store::key of the file")
    .option("--expire <duration>", "how long the link works: 30m, 1h, 7d (at most 7d)", "1h")
    .option("--put", "a link that uploads the file (HTTP PUT) instead of downloading it")
    .option("--json", "print {url, method, expires}")
    .addHelpText(
      "after",
      "\nExamples:\n  stowage link s3://backups::db/2026-12-06.dump\n  stowage link --expire 15m --put s3://inbox::upload.tar\n" +
        "\nAnyone holding the link can use it until it expires: share it as you would a password.\n",
    )
    .action(async (text: string, flags: { expire: string; put?: boolean; json?: boolean }) => {
      const milliseconds = parseDuration(flags.expire, "--expire");
      if (milliseconds % 1000 !== 0 || milliseconds < 1000) throw new UsageError(`--expire takes whole seconds, at least 1s, got '${flags.expire}'`);
      const location = ctx.location(text);
      const key = fileKey(location);
      const storage = await ctx.open(location);
      requiresSignedUrls(storage, "link");
      const method = flags.put === true ? "PUT" : "GET";
      const expiresInSeconds = milliseconds / 1000;
      const url = await storage.signedUrl(key, { method, expiresInSeconds });
      const output: LinkOutput = { url, method, expires: new Date(Date.now() + milliseconds).toISOString() };
      if (flags.json === true) return ctx.printJson(output);
      ctx.print(url);
    });
}
