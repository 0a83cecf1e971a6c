import { ListObjectsV2Command, type _Object, type S3Client } from "@aws-sdk/client-s3";
import { integerOption } from "@stowage/core";

/** S3's largest listing page (ListObjectsV2 `MaxKeys`), and the default page size. */
export const MAX_KEYS = 1000;

/**
 * The `maxKeys` option of a backend: keys per listing request, an integer from 1 to 1000 (S3 caps
 * pages at 1000). Rejects anything else with an `InvalidOptionsError` naming the option.
 */
export function resolveMaxKeys(owner: string, value: number | undefined): number {
  return integerOption("maxKeys", value ?? MAX_KEYS, 1, MAX_KEYS, owner);
}

/** One page of a listing: the objects, and the folders when a delimiter was given. */
export interface ListPage {
  objects: _Object[];
  folders: string[];
}

/**
 * Every page of a ListObjectsV2 listing of `prefix`, following continuation tokens to the end.
 * With `delimiter`, `folders` carries the CommonPrefixes; callers dedupe them, since some servers
 * repeat a prefix on several pages.
 */
export async function* listObjectPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: { delimiter?: string; maxKeys?: number } = {},
): AsyncGenerator<ListPage, void, undefined> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        Delimiter: options.delimiter,
        MaxKeys: options.maxKeys,
        ContinuationToken: token,
      }),
    );
    yield {
      objects: page.Contents ?? [],
      folders: (page.CommonPrefixes ?? []).flatMap((common) => (common.Prefix === undefined ? [] : [common.Prefix])),
    };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
