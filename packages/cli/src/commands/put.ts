import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Command } from "commander";
import type { Readable } from "node:stream";
import { SnapshotNotFoundError } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { destinationKey, fileKey } from "../keys.js";
import { countBytes } from "../progress.js";

/** `stowage put <file|-> <location>`: a local file or stdin into a store, streamed. */
export function putCommand(ctx: CommandContext): Command {
  return new Command("put")
    .description("store a local file (or standard input, given as -)")
    .argument("<file>", "local file, or - for standard input")
    .argument("<location>", "store::key, or store::folder/ to keep the file's name")
    .addHelpText(
      "after",
      "\nExamples:\n  stowage put report.pdf ./backup::docs/\n  pg_dump mydb | stowage put - s3://bucket::dumps/mydb.sql\n",
    )
    .action(async (file: string, text: string) => {
      const location = ctx.location(text);
      const fromStdin = file === "-";
      if (fromStdin && (location.key === "" || location.key.endsWith("/"))) {
        throw new UsageError("standard input has no file name: give the key, e.g. store::name.txt");
      }
      const key = fromStdin ? fileKey(location) : destinationKey(location, basename(file));
      const size = fromStdin ? undefined : await localFileSize(file);
      const storage = await ctx.open(location, { create: true });
      const progress = ctx.progress(key, size);
      try {
        // The write takes the interrupt signal and removes what it staged (a temporary file, staged
        // Redis content, a multipart upload); the source is cut too, for a plugin that ignores it.
        const source: Readable = ctx.abortable(fromStdin ? ctx.io.stdin : createReadStream(file));
        await storage.write(key, countBytes(source, (bytes) => progress.advance(bytes)), { signal: ctx.abortSignal() });
      } finally {
        progress.stop();
      }
    });
}

async function localFileSize(file: string): Promise<number> {
  const info = await stat(file).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === "ENOENT") throw new SnapshotNotFoundError(file, { cause: error });
    throw error;
  });
  if (info.isDirectory()) throw new UsageError(`'${file}' is a folder: use stowage sync to store folders`);
  return info.size;
}
