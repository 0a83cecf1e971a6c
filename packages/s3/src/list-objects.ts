import type { ListObjectsV2CommandOutput, _Object, S3Client } from "@aws-sdk/client-s3";
import { integerOption, SnapshotIOError } from "@stowage/core";
import { ListObjectsV2Command } from "./sdk.js";
import { leanListPage } from "./lean-list.js";
import type { LeanTransport } from "./lean-transport.js";

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
  options: { delimiter?: string; maxKeys?: number; lean?: LeanTransport | undefined } = {},
): AsyncGenerator<ListPage, void, undefined> {
  let token: string | undefined;
  do {
    const page = await sendListPage(client, options.lean, { bucket, prefix, delimiter: options.delimiter, maxKeys: options.maxKeys, token });
    yield {
      objects: page.Contents ?? [],
      folders: (page.CommonPrefixes ?? []).flatMap((common) => (common.Prefix === undefined ? [] : [common.Prefix])),
    };
    token = nextPageToken(page, token, bucket, prefix);
  } while (token !== undefined);
}

/**
 * The continuation token of the page after `page` (asked for with token `asked`), or `undefined`
 * after the last page. A page that says more follow yet gives no token would end the listing
 * early, and one that hands back the token it was asked with would loop on itself: either rejects
 * with `SnapshotIOError` (`E_IO`), since a listing cut short reads as files gone, and a sync would
 * delete their copies.
 */
export function nextPageToken(
  page: Pick<ListObjectsV2CommandOutput, "IsTruncated" | "NextContinuationToken">,
  asked: string | undefined,
  bucket: string,
  prefix: string,
): string | undefined {
  if (page.IsTruncated !== true) return undefined;
  const token = page.NextContinuationToken;
  if (token === undefined || token === "" || token === asked) {
    const fault = token === asked ? "repeats the continuation token it was asked with" : "has no NextContinuationToken";
    throw new SnapshotIOError(`S3 listed prefix '${prefix}' of bucket '${bucket}' in pages, and a truncated page ${fault}: the listing cannot go on`, prefix);
  }
  return token;
}

/** One ListObjectsV2 page: through the lean transport when it serves the bucket, else the SDK. */
export async function sendListPage(
  client: S3Client,
  lean: LeanTransport | undefined,
  page: { bucket: string; prefix: string; delimiter?: string | undefined; maxKeys?: number | undefined; token?: string | undefined },
  signal?: AbortSignal,
): Promise<ListObjectsV2CommandOutput> {
  if (lean !== undefined && (await lean.ready())) return leanListPage(lean, { ...page, signal });
  const command = new ListObjectsV2Command({
    Bucket: page.bucket,
    Prefix: page.prefix,
    Delimiter: page.delimiter,
    MaxKeys: page.maxKeys,
    ContinuationToken: page.token,
  });
  return client.send(command, signal === undefined ? {} : { abortSignal: signal });
}
