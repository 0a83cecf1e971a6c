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
  open(module, url) {
    const params = new UrlParams(url, ["chunkSize", "durable"]);
    const LocalFileSystemBackend = exportedClass<LocalOptions>(module, "LocalFileSystemBackend", this.packageName);
    const bare = new URL(url.href);
    bare.search = "";
    return new LocalFileSystemBackend({
      location: fileURLToPath(bare),
      ...definedOnly({ chunkSize: params.positiveInt("chunkSize"), durable: params.boolean("durable") }),
    });
  },
};
