import { copyFile as copyFileOf, type SnapshotStorage } from "@stowage/core";
import type { CommandContext } from "./context.js";
import { baseName, destinationKey, fileKey } from "./keys.js";
import type { Progress } from "./progress.js";

/**
 * Copies one file from one storage to another (or within one) with core's `copyFile`: natively
 * where the target can (a kernel copy between two local roots, a server-side copy between two
 * buckets of one endpoint), streamed otherwise, keeping its modification time. Takes the
 * interrupt signal; shows the bytes as they flow.
 */
export async function copyFile(
  ctx: CommandContext,
  source: SnapshotStorage,
  sourceKey: string,
  target: SnapshotStorage,
  targetKey: string,
): Promise<void> {
  let progress: Progress | undefined;
  let shown = 0;
  try {
    await copyFileOf(source, sourceKey, target, targetKey, {
      signal: ctx.abortSignal(),
      onProgress: ({ bytes, total }) => {
        progress ??= ctx.progress(targetKey, total);
        progress.advance(bytes - shown);
        shown = bytes;
      },
    });
  } finally {
    progress?.stop();
  }
}

/** The two ends of a `cp` or `mv`, opened and with their keys resolved. */
export interface TransferEnds {
  source: SnapshotStorage;
  sourceKey: string;
  target: SnapshotStorage;
  targetKey: string;
}

/**
 * Resolves `cp`/`mv` arguments: the source must name a file; a destination naming a folder
 * (no key, or a trailing `/`) receives the source's file name.
 */
export async function openTransfer(ctx: CommandContext, sourceText: string, targetText: string): Promise<TransferEnds> {
  const from = ctx.location(sourceText);
  const to = ctx.location(targetText);
  const sourceKey = fileKey(from);
  const targetKey = destinationKey(to, baseName(sourceKey));
  const source = await ctx.open(from);
  const target = await ctx.open(to, { create: true });
  return { source, sourceKey, target, targetKey };
}
