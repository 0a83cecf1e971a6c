import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { InvalidOptionsError, UrlParams, definedOnly, withoutQuery } from "@stowage/core";
import { LocalFileSystemBackend } from "./local-file-system-backend.js";

/**
 * Opens the storage a `file:` URL names (the CLI's plugin convention, which third-party adapters
 * follow too): `file:///abs/path[?chunkSize=N&durable=false&links=translate]` is a
 * `LocalFileSystemBackend` rooted at that folder (made when missing). `links=translate` keeps
 * symbolic links as rclone-style `.rclonelink` files (the default, `skip`, passes them over).
 * Rejects an unknown parameter or a bad value with `InvalidOptionsError` (`E_INVALID_OPTIONS`),
 * and a URL of another scheme likewise.
 */
export function createStorageFromUrl(url: URL): LocalFileSystemBackend {
  if (url.protocol !== "file:") throw new InvalidOptionsError("url", url.protocol, "must be a file: URL", "@stowage/local");
  const params = new UrlParams(url, ["chunkSize", "durable", "links"]);
  return new LocalFileSystemBackend({
    location: fileURLToPath(withoutQuery(url)),
    ...definedOnly({
      chunkSize: params.positiveInt("chunkSize"),
      durable: params.boolean("durable"),
      links: params.choice("links", ["skip", "translate"] as const),
    }),
  });
}

/**
 * Whether the folder a `file:` URL names exists yet. {@link createStorageFromUrl} makes a missing
 * one, so commands that only read ask this first: a mistyped path is then an error, not a new
 * empty store.
 */
export async function storageExists(url: URL): Promise<boolean> {
  const info = await stat(fileURLToPath(withoutQuery(url))).catch(() => undefined);
  return info?.isDirectory() === true;
}
