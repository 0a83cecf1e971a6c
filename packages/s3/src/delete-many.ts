import { SnapshotIOError, validateKey } from "@stowage/core";
import { DeleteObjectsCommand } from "./sdk.js";
import type { ObjectSpace } from "./object-space.js";
import { toStowageError } from "./s3-errors.js";

/** S3 accepts at most this many keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/**
 * `S3Storage.deleteMany` (core's `BatchDeletingStorage`): deletes `paths` with DeleteObjects,
 * 1,000 keys per request, in order. Idempotent like `delete`; every key is validated before
 * anything is deleted (`InvalidPathError`). Rejects with `SnapshotIOError` (`E_IO`) naming the
 * first key S3 refused, and with the stowage error of a failed request.
 */
export async function deleteObjects({ client, keys }: Pick<ObjectSpace, "client" | "keys">, paths: readonly string[]): Promise<void> {
  for (const path of paths) validateKey(path);
  for (let start = 0; start < paths.length; start += DELETE_BATCH) {
    const batch = paths.slice(start, start + DELETE_BATCH);
    let result;
    try {
      result = await client.send(
        new DeleteObjectsCommand({
          Bucket: keys.bucket,
          Delete: { Objects: batch.map((path) => ({ Key: keys.objectKey(path) })), Quiet: true },
        }),
      );
    } catch (error) {
      throw toStowageError(error, "delete", keys.bucket);
    }
    const refused = result.Errors?.[0];
    if (refused !== undefined) {
      const path = keys.storageKey(refused.Key ?? "") ?? refused.Key ?? "";
      throw new SnapshotIOError(`S3 refused to delete ${result.Errors?.length} key(s), first '${path}': ${refused.Code}`, path);
    }
  }
}
