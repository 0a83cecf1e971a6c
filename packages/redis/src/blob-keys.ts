import { randomUUID } from "node:crypto";

/**
 * Where {@link RedisStorage} keeps things. Two kinds of keys:
 *
 * - the catalogue, four small keys sharing the hash tag `{<namespace>}` so one Lua script can
 *   check conflicts, swap a file in, move or delete it atomically (on a cluster they live on one
 *   master): `{ns}:files` (sorted set of every file key, score 0, for ZRANGEBYLEX listings),
 *   `{ns}:meta` (hash: file key -> JSON metadata), `{ns}:folders` (hash: folder -> number of
 *   files below it, for file/folder conflicts) and `{ns}:refs` (hash: content id -> number of
 *   files pointing at it);
 * - the content: one hash per stored version, `<ns>:chunks:{<content id>}`, fields `0..n-1`
 *   holding the chunks. Its own hash tag (a random id) spreads content over every master. A
 *   version copied in from another namespace by `COPY` has the id `<source tag>.<random id>` and
 *   the key `<ns>:chunks:{<source tag>}.<random id>`: it keeps the source's hash tag, because COPY
 *   on a cluster needs both keys in one hash slot, yet is a key of its own, so each namespace
 *   counts references to, and frees, only its own content.
 */
export interface BlobKeys {
  files: string;
  meta: string;
  folders: string;
  refs: string;
  /** The catalogue keys in the order the Lua scripts expect them. */
  catalogue: [string, string, string, string];
  /** The content hash of one stored version. */
  chunks(contentId: string): string;
}

/**
 * The field of a content hash holding when its writer last showed it was alive (ms since the
 * epoch): set with the first chunk, at each staging-TTL refresh, just before the swap, and on a
 * `COPY` in. Chunk fields are numbers, so it never collides with one. gc goes by it.
 */
export const STAMP_FIELD = "t";

/** The key layout of a namespace; `namespace` must not contain `{` or `}` (hash tag delimiters). */
export function blobKeys(namespace: string): BlobKeys {
  const tag = `{${namespace}}`;
  const files = `${tag}:files`;
  const meta = `${tag}:meta`;
  const folders = `${tag}:folders`;
  const refs = `${tag}:refs`;
  return {
    files,
    meta,
    folders,
    refs,
    catalogue: [files, meta, folders, refs],
    chunks: (contentId) => {
      const dot = contentId.indexOf(".");
      return dot === -1
        ? `${namespace}:chunks:{${contentId}}`
        : `${namespace}:chunks:{${contentId.slice(0, dot)}}${contentId.slice(dot)}`;
    },
  };
}

/**
 * A fresh content id for a copy of `contentId` that hashes to the same cluster slot: the source's
 * hash tag (its part before any `.`) and a random suffix.
 */
export function copiedContentId(contentId: string): string {
  const dot = contentId.indexOf(".");
  return `${dot === -1 ? contentId : contentId.slice(0, dot)}.${randomUUID()}`;
}

/** What the catalogue stores per file (short names: there may be millions). */
export interface BlobMeta {
  /** Content id: the chunk hash is `chunks(g)`. */
  g: string;
  /** Size in bytes. */
  s: number;
  /** Modification time, ms since the epoch: the floor of the time in ns. */
  m: number;
  /**
   * The modification time's ns beyond `m` (0 to 999,999), so that the time is kept to the
   * nanosecond (`m * 1e6 + p`); absent in metadata written before ns were kept (then ms).
   */
  p?: number;
  /** The MIME type given to the write, else the one its name implies (`contentTypeFor`); absent when none. */
  y?: string;
  /** SHA-256 of the content, hex. */
  e: string;
  /** Number of chunks. */
  n: number;
  /** Bytes per chunk (all but the last). */
  c: number;
}
