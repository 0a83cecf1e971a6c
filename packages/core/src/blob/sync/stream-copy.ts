import { abortableReadable } from "../abort.js";
import { toChunks, type WriteContent } from "../content.js";
import type { AdvancedSnapshotStorage, FileStat, ReadOptions, SnapshotStorage, WriteOptions } from "../storage.js";
import type { ListedFile } from "../walk.js";
import { exactEntry } from "./settle.js";

/** What a copy carries over from its source file: its time and its type. */
export interface CopyStamp {
  /** The modification time the copy gets (the source's). */
  mtime?: Date | undefined;
  /** The same in nanoseconds, where the source keeps them. */
  mtimeNs?: bigint | undefined;
  /** The source's MIME type, where it keeps one. */
  contentType?: string | undefined;
  /** The content's MD5 (hex), where the target wants it and the source knows it ({@link wantedMd5}). */
  md5?: string | undefined;
}

/** The {@link CopyStamp} of a source file's stat or listing entry: written once for every copy. */
export function copyStamp(source: CopyStamp): CopyStamp {
  return { mtime: source.mtime, mtimeNs: source.mtimeNs, contentType: source.contentType };
}

/**
 * The source's MD5 for a copy into `target`, when the target asks for one at this size
 * ({@link AdvancedSnapshotStorage.md5WantedFrom}): from the listing entry, else the source
 * backend's `md5()`; `undefined` when not wanted or not known. Written once for every copy.
 */
export async function wantedMd5(
  source: SnapshotStorage,
  entry: { path: string; size?: number | undefined; md5?: string | undefined },
  target: SnapshotStorage,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const from = (target as Partial<AdvancedSnapshotStorage>).md5WantedFrom;
  if (from === undefined || entry.size === undefined || entry.size < from) return undefined;
  if (entry.md5 !== undefined) return entry.md5;
  const hashing = source as Partial<AdvancedSnapshotStorage>;
  return hashing.md5 === undefined ? undefined : hashing.md5(entry.path, { signal });
}

/** Options of {@link streamCopy}. */
export interface StreamCopyOptions extends CopyStamp {
  /** Cuts the copy: both sides get it. */
  signal?: AbortSignal | undefined;
  /** Hears the bytes that flowed so far, after each chunk. */
  onBytes?: ((flowed: number) => void) | undefined;
  /** `false` when a listing of the target ruled out conflicts (see `WriteOptions.checkConflicts`). */
  checkConflicts?: boolean;
  /**
   * The source's listing entry, when its time is a stand-in ({@link FileStat.needsStat}): the copy
   * then takes its time and type from the read itself ({@link ReadOptions.onStat}), or, from a
   * backend that gives none there, from one `stat()`.
   */
  standIn?: ListedFile | undefined;
}

/**
 * Streams file `fromKey` of `from` into `toKey` of `to` (`read`, then an atomic `write`), carrying
 * the source's time and type when given (`mtime`, `mtimeNs`, `contentType`, or `standIn`). Both sides get `signal`; the stream is also cut here, for a source that
 * ignores it (a basic tier of another author): either way the write fails, and the target removes
 * what it started; a write that fails before draining the stream destroys it, so no file
 * descriptor or socket stays open until garbage collection. Resolves with the bytes that flowed.
 * Rejects with the read's or the write's error (`E_NOT_FOUND` when `fromKey` is missing).
 * The one streamed copy of sync's copies and its backups.
 */
export async function streamCopy(
  from: SnapshotStorage,
  fromKey: string,
  to: SnapshotStorage,
  toKey: string,
  options: StreamCopyOptions,
): Promise<number> {
  const { md5, signal, onBytes, checkConflicts, standIn } = options;
  let heard: FileStat | undefined;
  const readOptions: ReadOptions = { signal };
  if (standIn !== undefined) readOptions.onStat = (stat) => void (heard = stat);
  const content = abortableReadable(await from.read(fromKey, readOptions), signal, "the sync");
  let flowed = 0;
  const count = onBytes === undefined ? (bytes: number) => (flowed += bytes) : (bytes: number) => onBytes((flowed += bytes));
  try {
    const { mtime, mtimeNs, contentType } = standIn === undefined ? options : copyStamp(heard ?? (await exactEntry(from, standIn)));
    const writeOptions: WriteOptions = { signal };
    if (mtime !== undefined) writeOptions.mtime = mtime;
    if (mtimeNs !== undefined) writeOptions.mtimeNs = mtimeNs;
    if (contentType !== undefined) writeOptions.contentType = contentType;
    if (md5 !== undefined) writeOptions.md5 = md5;
    if (checkConflicts === false) writeOptions.checkConflicts = false;
    await to.write(toKey, counted(content, count), writeOptions);
  } catch (error) {
    content.destroy();
    throw error;
  }
  return flowed;
}

/** Passes chunks through, telling `onBytes` the size of each. */
async function* counted(content: WriteContent, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of toChunks(content)) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
