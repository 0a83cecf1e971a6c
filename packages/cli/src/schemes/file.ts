import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { UsageError } from "../exit-codes.js";
import type { FirstPartyScheme } from "./scheme.js";
import { UrlParams, definedOnly, exportedClass } from "./url-params.js";

interface LocalOptions {
  location: string;
  chunkSize?: number;
  durable?: boolean;
  links?: "skip" | "translate";
}

/**
 * A plain path or `file:///abs/path[?chunkSize=N&durable=false&links=translate]` →
 * `LocalFileSystemBackend` from `@stowage/local`, rooted at that folder. `links=translate` keeps
 * symbolic links as rclone-style `.rclonelink` files (the default, `skip`, passes them over).
 */
export const fileScheme: FirstPartyScheme = {
  protocols: ["file:"],
  packageName: "@stowage/local",
  async storeExists(url) {
    const info = await stat(fileURLToPath(withoutQuery(url))).catch(() => undefined);
    return info?.isDirectory() === true;
  },
  open(module, url) {
    const params = new UrlParams(url, ["chunkSize", "durable", "links"]);
    const LocalFileSystemBackend = exportedClass<LocalOptions>(module, "LocalFileSystemBackend", this.packageName);
    const links = params.string("links");
    if (links !== undefined && links !== "skip" && links !== "translate") {
      throw new UsageError(`'links' must be skip or translate, got '${links}'`);
    }
    // An older @stowage/local would ignore the option and skip links anyway: say so instead.
    if (links !== undefined && module.LINK_SUFFIX === undefined) {
      throw new Error(`${this.packageName} does not support links=${links}; is it an older version?`);
    }
    return new LocalFileSystemBackend({
      location: fileURLToPath(withoutQuery(url)),
      ...definedOnly({ chunkSize: params.positiveInt("chunkSize"), durable: params.boolean("durable"), links }),
    });
  },
};

function withoutQuery(url: URL): URL {
  const bare = new URL(url.href);
  bare.search = "";
  return bare;
}
