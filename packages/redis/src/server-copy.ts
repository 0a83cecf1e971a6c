import { SnapshotIOError, SnapshotNotFoundError, copyFile, validateKey, type SnapshotStorage, type SyncCopier } from "@stowage/core";
import { STAMP_FIELD, blobKeys, copiedContentId, type BlobMeta } from "./blob-keys.js";
import { copyScript } from "./blob-scripts.js";
import type { Catalogue } from "./catalogue.js";
import { isRefusedCommand } from "./connection.js";
import { KEY_LAYOUT, redisPeerOf, sameServer, type RedisPeer } from "./storage-brand.js";

/** Times a server-side copy re-reads a source that changed under it before giving up. */
const COPY_ATTEMPTS = 3;

/** What {@link ServerCopies} needs of the RedisStorage it copies into. */
export interface ServerCopiesScope {
  catalogue: Catalogue;
  /** The storage's own peer description (its namespace, client and endpoints). */
  peer: RedisPeer;
  /** The storage itself: the target of the one streamed copy when the server refuses `COPY`. */
  target: SnapshotStorage;
}

/**
 * Native copies into one RedisStorage from another on the same server (see
 * `RedisStorage.syncCopier`): by reference within a namespace, by `COPY` across namespaces.
 * Remembers whether the server runs `COPY` for this client.
 */
export class ServerCopies {
  readonly #scope: ServerCopiesScope;
  /** Whether the server runs `COPY` for this client; unknown until the first cross-namespace copy. */
  #serverCopy: boolean | undefined;

  constructor(scope: ServerCopiesScope) {
    this.#scope = scope;
  }

  /** A native copier from `source`, or `undefined` when it is no RedisStorage on this server (or `COPY` was refused). */
  copierFrom(source: SnapshotStorage): SyncCopier | undefined {
    const { peer: own } = this.#scope;
    const peer = redisPeerOf(source);
    if (peer === undefined || peer.layout !== KEY_LAYOUT || !sameServer(own, peer)) return undefined;
    const finish = async () => undefined;
    if (peer.namespace === own.namespace) return { copy: (from, to) => this.#referenceCopy(from, to), finish };
    if (this.#serverCopy === false) return undefined;
    return { copy: (from, to) => this.#serverSideCopy(source, peer.namespace, from, to), finish };
  }

  /** Points `to` at the content of `from` in this catalogue, keeping its mtime: one script, no bytes moved. */
  async #referenceCopy(from: string, to: string): Promise<void> {
    validateKey(to);
    const { catalogue } = this.#scope;
    await catalogue.typed("write", to, async () => {
      const reply = await copyScript.run(catalogue.client, catalogue.keys.catalogue, [from, to]);
      await catalogue.settle(to, reply, from);
    });
  }

  /**
   * Copies file `from` of the namespace `namespace` on this server onto `to` here: `COPY` of its
   * content hash to a fresh key in the same hash slot, then this catalogue's commit. The metadata
   * (content, size, mtime, etag) is read when the copy starts, so the copy is one consistent
   * version even if the source changes meanwhile; a source whose content vanished in between is
   * read again. When the server refuses `COPY` (older than 6.2, or an ACL), this copy streams
   * through core's `copyFile` (which then finds no copier) and later syncs get no copier.
   */
  async #serverSideCopy(source: SnapshotStorage, namespace: string, from: string, to: string): Promise<void> {
    validateKey(to);
    const { catalogue, target } = this.#scope;
    const { client, keys } = catalogue;
    const theirs = blobKeys(namespace);
    for (let attempt = 1; ; attempt++) {
      if (this.#serverCopy === false) {
        await copyFile(source, from, target, to);
        return;
      }
      const json = await catalogue.typed("read", from, () => client.hget(theirs.meta, from));
      if (json === null) throw new SnapshotNotFoundError(from);
      const meta = JSON.parse(json) as BlobMeta;
      const copy: BlobMeta = { ...meta, g: copiedContentId(meta.g) };
      const key = keys.chunks(copy.g);
      // An empty file has no content hash: only the catalogue entry is copied.
      if (meta.n > 0) {
        // Sent together (one round trip, one connection: applied in order): COPY carries a TTL
        // over, which a source version replaced but still in its grace period has.
        const copied = await catalogue.typed("write", to, async () => {
          try {
            return (await Promise.all([client.copy(theirs.chunks(meta.g), key), client.persist(key), client.hset(key, STAMP_FIELD, Date.now())]))[0];
          } catch (error) {
            if (!isRefusedCommand(error)) throw error;
            this.#serverCopy = false;
            return undefined;
          }
        });
        if (copied === undefined) continue;
        this.#serverCopy = true;
        if (copied === 0) {
          // The source version was replaced and its grace period ran out since its metadata was read.
          if (attempt < COPY_ATTEMPTS) continue;
          throw new SnapshotIOError(`'${from}' kept changing while it was being copied`, from);
        }
      }
      return catalogue.typed("write", to, () => catalogue.commit(to, copy));
    }
  }
}
