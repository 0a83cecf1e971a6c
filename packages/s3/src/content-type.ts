import { contentTypeFor } from "@stowage/core";

/**
 * The `Content-Type` an object gets when the writer names none: core's `contentTypeFor` (the
 * `mime-types` table, `text/*` with `; charset=utf-8`), else `application/octet-stream`, as rclone
 * sends for a name it cannot type, so that rclone and stowage store the same types.
 */
export function contentTypeOf(key: string): string {
  return contentTypeFor(key) ?? "application/octet-stream";
}
