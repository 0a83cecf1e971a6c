import type { Readable } from "node:stream";
import type { FileStat, SnapshotStorage, SyncCopier, WriteOptions } from "@stowage/core";
import { sameAccount, type S3Location } from "./s3-location.js";

/** What an {@link S3SyncCopier} needs from its target storage. */
export interface CopierTarget {
  /** Where the target keeps its files. */
  readonly location: S3Location;
  /** Server-side copy of `sourceKey` (a storage key of `source`) onto `targetKey`, carrying `mtime`. */
  serverCopy(source: S3Location, sourceKey: string, targetKey: string, stat: FileStat): Promise<void>;
  /** The target's own `write`. */
  write(targetKey: string, content: Readable, options: WriteOptions): Promise<void>;
}

/**
 * The {@link SyncCopier} of an `S3Storage` target for a source that is an S3 storage too (it
 * carries the `S3_LOCATION` brand; for any other source `syncCopier` gives none, and the sync
 * engine streams with core's one streamed copy, which carries the sync's abort signal).
 *
 * A source on the same endpoint, region and access key (any bucket, any prefix) is copied
 * server-side: CopyObject, or UploadPartCopy above the multipart threshold; no byte passes
 * through this process. The copy carries the source's modification time as `mtime` metadata and
 * sends no conflict checks (HeadObject per parent, one-key listing): the sync engine has ruled out
 * file/folder conflicts from the target's listing. Nothing is buffered between copies, so
 * `finish()` has nothing to do.
 *
 * Whether the source qualifies is known only at the first copy (its credentials may come from a
 * provider), too late for `syncCopier` to decline: a source on another endpoint or account is then
 * copied by the source's `read` into the target's `write`, the streamed copy of the protocol
 * methods (the copier is given no abort signal to pass on).
 */
export class S3SyncCopier implements SyncCopier {
  readonly #target: CopierTarget;
  readonly #source: SnapshotStorage;
  readonly #location: S3Location;
  #native: Promise<boolean> | undefined;

  constructor(target: CopierTarget, source: SnapshotStorage, location: S3Location) {
    this.#target = target;
    this.#source = source;
    this.#location = location;
  }

  async copy(sourceKey: string, targetKey: string, stat: FileStat): Promise<void> {
    this.#native ??= sameAccount(this.#target.location.client, this.#location.client);
    if (await this.#native) return this.#target.serverCopy(this.#location, sourceKey, targetKey, stat);
    const content = await this.#source.read(sourceKey);
    try {
      // A copier runs inside a sync, whose merge already ruled conflicts out from the target's listing.
      await this.#target.write(targetKey, content, { mtime: stat.mtime, checkConflicts: false });
    } catch (error) {
      // A write that failed before draining its source must not leave it open (a socket).
      content.destroy();
      throw error;
    }
  }

  async finish(): Promise<void> {}
}
