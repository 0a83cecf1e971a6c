import type { ListObjectsV2CommandOutput, _Object, S3Client } from "@aws-sdk/client-s3";
import type { LeanTransport } from "./lean-transport.js";
import { nextPageToken, sendListPage } from "./list-objects.js";

/**
 * Every object under `prefix` (ListObjectsV2 without a delimiter, so every depth), one at a time,
 * in the server's order. Lazy: the first request is sent by the first `next()`. To overlap the
 * network with the consumer, the next page is requested once the consumer comes back for a second
 * object of the current page, so at most one page is fetched ahead and at most two are held.
 * Leaving the loop early aborts a page still in flight. SDK errors are thrown as they are; a
 * truncated page without a usable token rejects with `SnapshotIOError` (see {@link nextPageToken}).
 */
export async function* listObjectsAhead(
  client: S3Client,
  bucket: string,
  prefix: string,
  maxKeys: number,
  lean?: LeanTransport,
): AsyncGenerator<_Object, void, undefined> {
  const cancel = new AbortController();
  let pending: Promise<ListObjectsV2CommandOutput> | undefined;
  /** The token the pending page was asked with (one page is in flight at a time). */
  let asked: string | undefined;
  const request = (token: string | undefined): Promise<ListObjectsV2CommandOutput> => {
    asked = token;
    const page = sendListPage(client, lean, { bucket, prefix, maxKeys, token }, cancel.signal);
    // A prefetched page may fail while the consumer is busy: it is awaited (and its error thrown)
    // when its turn comes, and must not count as an unhandled rejection before.
    page.catch(() => undefined);
    return page;
  };
  try {
    pending = request(undefined);
    while (pending !== undefined) {
      const page = await pending;
      pending = undefined;
      const token = nextPageToken(page, asked, bucket, prefix);
      const objects = page.Contents ?? [];
      for (let i = 0; i < objects.length; i++) {
        if (i === 1 && token !== undefined) pending = request(token);
        yield objects[i] as _Object;
      }
      if (token !== undefined) pending ??= request(token);
    }
  } finally {
    if (pending !== undefined) {
      cancel.abort();
      await pending.catch(() => undefined);
    }
  }
}
