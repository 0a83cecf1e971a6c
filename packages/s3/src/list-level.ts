import { compareKeys, mapLimit } from "@stowage/core";
import { listObjectPages } from "./list-objects.js";
import type { ObjectSpace } from "./object-space.js";
import { addressableKey } from "./s3-keys.js";

type Lister = Pick<ObjectSpace, "client" | "keys" | "lean">;

/** Sub-folders checked at once by {@link listLevel}. */
const FOLDER_CHECKS = 8;

/**
 * `S3Storage.list`: one level of storage folder `folder` (normalized) from ListObjectsV2 pages with
 * the `/` delimiter, `maxKeys` keys per page: its files, and its sub-folders with a trailing `/`,
 * sorted by `compareKeys`. Objects whose names are not stowage keys are left out, and so is a
 * sub-folder that holds no file the deep listing would show (only a zero-byte marker `empty/`, an
 * object `e/` with content, or keys such as `a//b.txt`): stowage's folders exist while a file is
 * under them, so the one-level listing agrees with the deep one. Each sub-folder costs one more
 * listing request (usually one page), 8 at a time.
 */
export async function listLevel(space: Lister, folder: string, maxKeys: number): Promise<string[]> {
  const { client, keys, lean } = space;
  const files = new Set<string>();
  // A Map, because some servers repeat a CommonPrefix on several pages.
  const folders = new Map<string, string>();
  for await (const page of listObjectPages(client, keys.bucket, keys.listPrefix(folder), { delimiter: "/", maxKeys, lean })) {
    for (const object of page.objects) {
      const key = object.Key === undefined ? undefined : addressableKey(keys, object.Key);
      if (key !== undefined) files.add(key);
    }
    for (const common of page.folders) {
      const key = addressableKey(keys, common.slice(0, -1));
      if (key !== undefined) folders.set(`${key}/`, common);
    }
  }
  const held = await mapLimit([...folders], FOLDER_CHECKS, async ([entry, prefix]) => ((await holdsFile(space, prefix, maxKeys)) ? [entry] : []));
  return [...files, ...held.flat()].sort(compareKeys);
}

/** Whether any object under `prefix` (an object key prefix ending in `/`) is a file the storage can address. */
async function holdsFile({ client, keys, lean }: Lister, prefix: string, maxKeys: number): Promise<boolean> {
  for await (const page of listObjectPages(client, keys.bucket, prefix, { maxKeys, lean })) {
    if (page.objects.some((object) => object.Key !== undefined && addressableKey(keys, object.Key) !== undefined)) return true;
  }
  return false;
}
