import type { Readable } from "node:stream";
import type { FileStat, SnapshotStorage, SyncCopier } from "@stowage/core";
import { sameAccount, s3LocationOf, type S3Location } from "./s3-location.js";

/** What an {@link S3SyncCopier} needs from its target storage. */
export interface CopierTarget {
  /** Where the target keeps its files. */
  readonly location: S3Location;
  /** Server-side copy of `sourceKey` (a storage key of `source`) onto `targetKey`, carrying `mtime`. */
  serverCopy(source: S3Location, sourceKey: string, targetKey: string, stat: FileStat): Promise<void>;
  /** Uploads `content` to `targetKey` as one object carrying `stat.mtime`, without conflict checks. */
  upload(targetKey: string, content: Readable, stat: FileStat): Promise<void>;
}

/**
 * The {@link SyncCopier} of an `S3Storage` target, for any source.
 *
 * - A source that is an S3 storage on the same endpoint, region and access key (any bucket, any
 *   prefix) is copied server-side: CopyObject, or UploadPartCopy above the multipart threshold; no
 *   byte passes through this process. Whether the source qualifies is resolved once, at the first
 *   copy (credentials may come from a provider).
 * - Any other source streams `source.read()` into one PutObject or a multipart upload.
 *
 * Either way the copy carries the source's modification time as `mtime` metadata and sends no
 * conflict checks (HeadObject per parent, one-key listing): the sync engine has ruled out
 * file/folder conflicts from the target's listing, and per-file requests beyond the copy itself
 * would dominate a bulk sync. Nothing is buffered between copies, so `finish()` has nothing to do.
 */
export class S3SyncCopier implements SyncCopier {
  readonly #target: CopierTarget;
  readonly #source: SnapshotStorage;
  #native: Promise<S3Location | undefined> | undefined;

  constructor(target: CopierTarget, source: SnapshotStorage) {
    this.#target = target;
    this.#source = source;
  }

  async copy(sourceKey: string, targetKey: string, stat: FileStat): Promise<void> {
    this.#native ??= nativeSource(this.#target.location, this.#source);
    const native = await this.#native;
    if (native !== undefined) return this.#target.serverCopy(native, sourceKey, targetKey, stat);
    const content = await this.#source.read(sourceKey);
    try {
      await this.#target.upload(targetKey, content, stat);
    } catch (error) {
      // An upload that failed before draining its source must not leave it open (a file, a socket).
      content.destroy();
      throw error;
    }
  }

  async finish(): Promise<void> {}
}

/** The source's location when the target's client can copy from it server-side. */
async function nativeSource(target: S3Location, source: SnapshotStorage): Promise<S3Location | undefined> {
  const location = s3LocationOf(source);
  if (location === undefined) return undefined;
  return (await sameAccount(target.client, location.client)) ? location : undefined;
}
