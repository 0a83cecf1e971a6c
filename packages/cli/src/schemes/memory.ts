import type { FirstPartyScheme } from "./scheme.js";
import { UrlParams, definedOnly, exportedClass } from "./url-params.js";

/**
 * `memory://[name][?chunkSize=N]` → `MemoryStorage` from `@stowage/memory`. Lives as long as the
 * command: useful for demos, tests and piping within one invocation. Each name is its own store.
 */
export const memoryScheme: FirstPartyScheme = {
  protocols: ["memory:"],
  packageName: "@stowage/memory",
  open(module, url) {
    const params = new UrlParams(url, ["chunkSize"]);
    const MemoryStorage = exportedClass<{ chunkSize?: number }>(module, "MemoryStorage", this.packageName);
    return new MemoryStorage(definedOnly({ chunkSize: params.positiveInt("chunkSize") }));
  },
};
