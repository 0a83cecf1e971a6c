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
  const start = etag.charCodeAt(0) === 34 ? 1 : 0;
  const end = etag.length > start && etag.charCodeAt(etag.length - 1) === 34 ? etag.length - 1 : etag.length;
  return start === 0 && end === etag.length ? etag : etag.slice(start, end);
}

/**
 * The content MD5 (lowercase hex) an object's ETag or metadata proves, or `undefined`: a plain
 * single-part ETag is the MD5 of the bytes; a multipart one is not, but rclone's `Md5chksum`
 * metadata (base64 of the whole content's MD5) is. An ETag of an object encrypted with SSE-KMS or
 * SSE-C looks like an MD5 and is not, as in rclone, which trusts it alike.
 */
export function contentMd5(etag: string | undefined, md5chksum: string | undefined): string | undefined {
  const plain = comparableEtag(etag)?.toLowerCase();
  if (plain !== undefined && /^[0-9a-f]{32}$/.test(plain)) return plain;
  if (md5chksum === undefined) return undefined;
  const bytes = Buffer.from(md5chksum, "base64");
  return bytes.byteLength === 16 ? bytes.toString("hex") : undefined;
}
