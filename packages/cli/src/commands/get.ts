import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Command } from "commander";
import { isAdvancedSnapshotStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { withFolderHint } from "../folder-hint.js";
import { baseName, fileKey } from "../keys.js";
import { countBytes } from "../progress.js";

/** `stowage get <location> [file|-]`: a stored file to a local file or stdout, streamed. */
export function getCommand(ctx: CommandContext): Command {
  return new Command("get")
    .description("fetch a file into a local file (or standard output: omit the file or give -)")
    .argument("<location>", "store::key of the file")
    .argument("[file]", "local file or existing folder; - or nothing for standard output")
    .addHelpText(
      "after",
      "\nThe local file appears whole or not at all (written beside it, then renamed).\n" +
        "\nExamples:\n  stowage get ./backup::docs/report.pdf ~/Downloads/\n  stowage get s3://bucket::dumps/mydb.sql | psql mydb\n",
    )
    .action(async (text: string, file: string | undefined) => {
      const location = ctx.location(text);
      const key = fileKey(location);
      const storage = await ctx.open(location);
      const { size, source } = await withFolderHint(storage, key, location, async () => ({
        size: isAdvancedSnapshotStorage(storage) ? (await storage.stat(key)).size : undefined,
        // Aborted on an interrupt, so the half-written local file beside the target is removed.
        source: ctx.abortable(await storage.read(key, { signal: ctx.abortSignal() })),
      }));
      if (file === undefined || file === "-") {
        await pipeline(source, ctx.io.stdout, { end: false });
        return;
      }
      const progress = ctx.progress(key, size);
      try {
        await writeAtomically(await localTarget(file, baseName(key)), countBytes(source, (bytes) => progress.advance(bytes)));
      } finally {
        progress.stop();
      }
    });
}

/** `file`, or `file/<name>` when `file` is an existing folder or ends with a separator. */
async function localTarget(file: string, name: string): Promise<string> {
  if (/[\\/]$/.test(file)) return join(file, name);
  const info = await stat(file).catch(() => undefined);
  return info?.isDirectory() ? join(file, name) : file;
}

async function writeAtomically(target: string, source: NodeJS.ReadableStream): Promise<void> {
  const temporary = join(dirname(target), `.${baseName(target)}.stowage-${randomBytes(6).toString("hex")}`);
  try {
    await pipeline(source, createWriteStream(temporary, { flags: "wx" }));
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
