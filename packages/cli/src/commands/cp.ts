import { Command } from "commander";
import type { CommandContext } from "../context.js";
import { copyFile, openTransfer } from "../transfer.js";

/** `stowage cp <source> <destination>`: one file, within a store or between any two. */
export function cpCommand(ctx: CommandContext): Command {
  return new Command("cp")
    .description("copy a file, within a store or between two stores (natively where possible, keeping its mtime)")
    .argument("<source>", "store::key of the file")
    .argument("<destination>", "store::key, or store::folder/ to keep the name")
    .addHelpText(
      "after",
      "\nTo copy folders, use stowage sync --no-delete.\n" +
        "\nExamples:\n  stowage cp ./backup::db.sql s3://bucket?region=eu-west-1::db/\n  stowage cp ./backup::a.txt ./backup::b.txt\n",
    )
    .action(async (sourceText: string, targetText: string) => {
      const { source, sourceKey, target, targetKey } = await openTransfer(ctx, sourceText, targetText);
      if (source === target && sourceKey === targetKey) return;
      await copyFile(ctx, source, sourceKey, target, targetKey);
    });
}
