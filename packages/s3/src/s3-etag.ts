/**
 * The ETag stowage reports for an object (quotes removed), or `undefined` when it does not
 * identify the bytes. A multipart ETag (`<md5>-<parts>`) depends on the part size, so the same
 * bytes uploaded twice, or copied server-side, carry different ETags; sync would then copy
 * unchanged files forever. Such files are compared by size and modification time instead.
 */
export function comparableEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const bare = unquote(etag);
  return bare.includes("-") ? undefined : bare;
}

/** An ETag without its surrounding quotes. */
export function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}
