import { Command } from "commander";
import { isAdvancedSnapshotStorage } from "@stowage/core";
import type { CommandContext } from "../context.js";
import { copyFile, openTransfer } from "../transfer.js";

/** `stowage mv <source> <destination>`: atomic inside one advanced store, copy-then-delete across. */
export function mvCommand(ctx: CommandContext): Command {
  return new Command("mv")
    .description("move a file: atomic within one store, copy then delete between stores")
    .argument("<source>", "store::key of the file")
    .argument("<destination>", "store::key, or store::folder/ to keep the name")
    .addHelpText(
      "after",
      "\nBetween two stores the source is deleted only after the copy completed.\n" +
        "\nExamples:\n  stowage mv ./backup::tmp/upload.bin ./backup::data/upload.bin\n  stowage mv memory://::a.txt ./backup::\n",
    )
    .action(async (sourceText: string, targetText: string) => {
      const { source, sourceKey, target, targetKey } = await openTransfer(ctx, sourceText, targetText);
      if (source === target && isAdvancedSnapshotStorage(source)) return source.atomicMove(sourceKey, targetKey);
      if (source === target && sourceKey === targetKey) return;
      await copyFile(ctx, source, sourceKey, target, targetKey);
      await source.delete(sourceKey);
    });
}
