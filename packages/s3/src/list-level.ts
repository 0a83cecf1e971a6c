import { compareKeys } from "@stowage/core";
import { listObjectPages } from "./list-objects.js";
import type { ObjectSpace } from "./object-space.js";
import { addressableKey } from "./s3-keys.js";

/**
 * `S3Storage.list`: one level of storage folder `folder` (normalized) from ListObjectsV2 pages with
 * the `/` delimiter, `maxKeys` keys per page: its files, and its sub-folders with a trailing `/`,
 * sorted by `compareKeys`. Objects whose names are not stowage keys are left out.
 */
export async function listLevel({ client, keys, lean }: Pick<ObjectSpace, "client" | "keys" | "lean">, folder: string, maxKeys: number): Promise<string[]> {
  const entries = new Set<string>();
  for await (const page of listObjectPages(client, keys.bucket, keys.listPrefix(folder), { delimiter: "/", maxKeys, lean })) {
    for (const object of page.objects) {
      const key = object.Key === undefined ? undefined : addressableKey(keys, object.Key);
      if (key !== undefined) entries.add(key);
    }
    // A Set, because some servers repeat a CommonPrefix on several pages.
    for (const common of page.folders) {
      const key = addressableKey(keys, common.slice(0, -1));
      if (key !== undefined) entries.add(`${key}/`);
    }
  }
  return [...entries].sort(compareKeys);
}
