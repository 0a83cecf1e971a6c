import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FirstPartyScheme } from "./scheme.js";
import { UrlParams, definedOnly, exportedClass } from "./url-params.js";

interface LocalOptions {
  location: string;
  chunkSize?: number;
  durable?: boolean;
}

/**
 * A plain path or `file:///abs/path[?chunkSize=N&durable=false]` → `LocalFileSystemBackend`
 * from `@stowage/local`, rooted at that folder.
 */
export const fileScheme: FirstPartyScheme = {
  protocols: ["file:"],
  packageName: "@stowage/local",
  async storeExists(url) {
    const info = await stat(fileURLToPath(withoutQuery(url))).catch(() => undefined);
    return info?.isDirectory() === true;
  },
  open(module, url) {
    const params = new UrlParams(url, ["chunkSize", "durable"]);
    const LocalFileSystemBackend = exportedClass<LocalOptions>(module, "LocalFileSystemBackend", this.packageName);
    return new LocalFileSystemBackend({
      location: fileURLToPath(withoutQuery(url)),
      ...definedOnly({ chunkSize: params.positiveInt("chunkSize"), durable: params.boolean("durable") }),
    });
  },
};

function withoutQuery(url: URL): URL {
  const bare = new URL(url.href);
  bare.search = "";
  return bare;
}
