import { pipeline } from "node:stream/promises";
import { Command } from "commander";
import type { CommandContext } from "../context.js";
import { withFolderHint } from "../folder-hint.js";
import { fileKey } from "../keys.js";

/** `stowage cat <location...>`: files to stdout, streamed, one after the other. */
export function catCommand(ctx: CommandContext): Command {
  return new Command("cat")
    .description("write files to standard output, streamed")
    .argument("<location...>", "store::key of each file")
    .addHelpText("after", "\nExamples:\n  stowage cat ./backup::notes.txt\n  stowage cat redis://localhost:6379/0::logs/today.log | grep ERROR\n")
    .action(async (texts: string[]) => {
      for (const text of texts) {
        const location = ctx.location(text);
        const key = fileKey(location);
        const storage = await ctx.open(location);
        const source = await withFolderHint(storage, key, location, () => storage.read(key));
        await pipeline(source, ctx.io.stdout, { end: false });
      }
    });
}
