import { InvalidOptionsError, UrlParams, definedOnly } from "@stowage/core";
import { MemoryStorage } from "./memory-storage.js";

/** The query parameters a `memory:` URL accepts. */
const PARAMETERS = ["chunkSize"] as const;

/**
 * Opens the store that a `memory://[name][?chunkSize=N]` URL names: a new, empty
 * {@link MemoryStorage}, with `chunkSize` (bytes per chunk of `read` and `streamRead`) when given.
 * The plugin convention of the stowage CLI (`createStorageFromUrl(url)`).
 *
 * Each call makes a new store, whatever its name: the name tells stores apart for whoever opens
 * them. The CLI opens each distinct URL once per command and shares that store between the
 * command's locations, so `memory://a` is one store for the life of a command and a later command
 * starts empty. A registry kept here, per process, would instead carry files from one command to
 * the next in a process that runs several (tests, an embedding program) and never free them.
 *
 * @throws InvalidOptionsError (`E_INVALID_OPTIONS`) for a URL that is not `memory:`, an unknown
 *   query parameter (`?chunksize=`), or a `chunkSize` that is not a positive integer; nothing is opened.
 */
export function createStorageFromUrl(url: URL): MemoryStorage {
  if (url.protocol !== "memory:") throw new InvalidOptionsError("url", url.href, "must be a memory: URL", "createStorageFromUrl");
  const params = new UrlParams(url, PARAMETERS);
  return new MemoryStorage(definedOnly({ chunkSize: params.positiveInt("chunkSize") }));
}
