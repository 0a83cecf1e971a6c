import { ListObjectsV2Command, type _Object, type S3Client } from "@aws-sdk/client-s3";

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
