import { SnapshotIOError, listFlatKeys, type FileStat, type SortedKeyReader } from "@stowage/core";
import type { ChainableCommander } from "ioredis";
import type { BlobKeys, BlobMeta } from "./blob-keys.js";
import type { RedisClient } from "./connection.js";

/**
 * Listings of RedisStorage's catalogue that never end early on doubt (issue 20): a sorted set that
 * Redis deletes once it is empty looks exactly like the end of the listing, so every page is read
 * in one transaction with whether the index and the metadata exist. An index that is missing
 * while files are catalogued (their metadata is there), or that vanishes after the walk has read
 * from it, or metadata that vanishes under a page, fails the listing with `SnapshotIOError`
 * (`E_IO`) rather than yielding fewer files: a sync would take the missing ones for deleted.
 */

/** Runs calls on the storage's client once its connection is ready; the storage maps failures to stowage errors. */
export type CatalogueCall = <T>(path: string, call: (client: RedisClient) => Promise<T>) => Promise<T>;

const LIST_PAGE = 1000;

/** Runs a MULTI/EXEC transaction; resolves with every reply, or throws the first command's error. */
export async function execTransaction(tx: ChainableCommander): Promise<unknown[]> {
  const replies = await tx.exec();
  if (replies === null) throw new Error("the transaction was discarded");
  const failed = replies.find(([error]) => error !== null);
  if (failed !== undefined) throw failed[0];
  return replies.map(([, reply]) => reply);
}

/**
 * A {@link SortedKeyReader} over the index `{ns}:files` for one listing of `prefix`, in byte order
 * of the keys' UTF-8 encoding (a sorted set's order for equal scores), which is code point order:
 * compareKeys order, with no sorting here. Each page comes with the existence of the index and of
 * `{ns}:meta` (one transaction, one hash slot); a missing index ends the listing only when nothing
 * is catalogued and the walk has not read from it yet.
 */
export function catalogueKeyReader(run: CatalogueCall, keys: BlobKeys, prefix: string): SortedKeyReader {
  let indexSeen = false;
  return async (from, end, limit) => {
    const [page, indexed, catalogued] = await run(prefix, (client) =>
      execTransaction(
        client
          .multi()
          .zrangebylex(keys.files, `[${from}`, end === undefined ? "+" : `(${end}`, "LIMIT", 0, Math.min(limit, LIST_PAGE))
          .exists(keys.files)
          .exists(keys.meta),
      ),
    );
    if (indexed === 0 && (indexSeen || catalogued === 1)) {
      throw new SnapshotIOError(
        indexSeen
          ? `the file index '${keys.files}' vanished while '${prefix}' was being listed; the listing is incomplete`
          : `the file index '${keys.files}' is missing while files are catalogued in '${keys.meta}'; '${prefix}' cannot be listed`,
        prefix,
      );
    }
    indexSeen ||= indexed === 1;
    return page as string[];
  };
}

/**
 * Every file under `prefix` (normalized) with its stat, a page of up to 1000 at a time: the keys
 * from {@link catalogueKeyReader}, then one HMGET of their metadata. A file deleted between the two
 * is left out; metadata that is missing as a whole while the page's files were indexed is an
 * `E_IO`.
 */
export async function* catalogueStats(run: CatalogueCall, keys: BlobKeys, prefix: string): AsyncGenerator<FileStat, void, undefined> {
  let batch: string[] = [];
  const flush = async function* (): AsyncGenerator<FileStat, void, undefined> {
    const paths = batch;
    batch = [];
    const [metas, catalogued] = await run(prefix, (client) => execTransaction(client.multi().hmget(keys.meta, ...paths).exists(keys.meta)));
    if (catalogued === 0) {
      throw new SnapshotIOError(`the file metadata '${keys.meta}' vanished while '${prefix}' was being listed; the listing is incomplete`, prefix);
    }
    for (const [i, json] of (metas as (string | null)[]).entries()) {
      if (typeof json === "string") yield toStat(paths[i] as string, JSON.parse(json) as BlobMeta);
    }
  };
  for await (const key of listFlatKeys(prefix, catalogueKeyReader(run, keys, prefix))) {
    batch.push(key);
    if (batch.length === LIST_PAGE) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** Times kept to the nanosecond: 1 ns, in ms. */
const NS_PRECISION = 0.000001;

/** The stat of a file from its catalogued metadata: the time in ns and the type where kept. */
export function toStat(path: string, meta: BlobMeta): FileStat {
  const stat: FileStat = { path, size: meta.s, mtime: new Date(meta.m), etag: meta.e };
  if (meta.p !== undefined) {
    stat.mtimeNs = BigInt(meta.m) * 1_000_000n + BigInt(meta.p);
    stat.mtimePrecision = NS_PRECISION;
  }
  if (meta.y !== undefined) stat.contentType = meta.y;
  return stat;
}
