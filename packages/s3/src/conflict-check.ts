import { parentFolders, SnapshotConflictError } from "@stowage/core";
import { headObject } from "./head-object.js";
import { listObjectPages } from "./list-objects.js";
import type { ObjectSpace } from "./object-space.js";
import { toStowageError } from "./s3-errors.js";

/**
 * Rejects with `SnapshotConflictError` a write that would make `path` both a file and a folder:
 * a parent of it is an object, or objects exist below it. Costs one HeadObject per parent and a
 * one-key listing, all in parallel; racy against concurrent writers, as S3 has no transactions.
 */
export async function assertWritable(space: ObjectSpace, path: string): Promise<void> {
  const { client, keys } = space;
  const [fileParents, children] = await Promise.all([
    Promise.all(parentFolders(path).map(async (parent) => ((await headObject(space, parent)) === undefined ? [] : [parent]))),
    (async () => {
      try {
        for await (const page of listObjectPages(client, keys.bucket, keys.listPrefix(path), { maxKeys: 1, lean: space.lean })) return page.objects.length;
        return 0;
      } catch (error) {
        throw toStowageError(error, "list", keys.bucket, path);
      }
    })(),
  ]);
  const fileParent = fileParents.flat()[0];
  if (fileParent !== undefined) throw new SnapshotConflictError(path, `'${fileParent}' is a file`);
  if (children > 0) throw new SnapshotConflictError(path, "a folder exists at this path");
}
