import type { SnapshotStorage } from "@stowage/core";
import { isAdvancedSnapshotStorage } from "@stowage/core";
import type { CommandContext } from "./context.js";
import { baseName, destinationKey, fileKey } from "./keys.js";
import { countBytes } from "./progress.js";

/**
 * Copies one file from one storage to another (or within one), streaming: the reader feeds the
 * writer chunk by chunk, so nothing is staged on disk or held whole in memory.
 */
export async function copyFile(
  ctx: CommandContext,
  source: SnapshotStorage,
  sourceKey: string,
  target: SnapshotStorage,
  targetKey: string,
): Promise<void> {
  const size = isAdvancedSnapshotStorage(source) ? (await source.stat(sourceKey)).size : undefined;
  // Both ends take the interrupt signal (the write removes what it staged); the stream is also cut
  // here, for a plugin that ignores the signal.
  const signal = ctx.abortSignal();
  const stream = ctx.abortable(await source.read(sourceKey, { signal }));
  const progress = ctx.progress(targetKey, size);
  try {
    await target.write(targetKey, countBytes(stream, (bytes) => progress.advance(bytes)), { signal });
  } finally {
    progress.stop();
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
