import { InvalidOptionsError, UrlParams, definedOnly, withoutQuery } from "@stowage/core";
import { RedisStorage } from "./redis-storage.js";

/** Query parameters every Redis URL takes. */
const LAYOUT_PARAMS = ["namespace", "chunkSize", "connectTimeoutMs"] as const;

/** Names this function in option errors. */
const OWNER = "createStorageFromUrl";

/**
 * The {@link RedisStorage} a URL names (the CLI's adapter convention, `stowage ls redis://…`):
 *
 * - `redis://[user:password@]host[:port][/db]` and `rediss://…` (TLS): the URL without its query
 *   goes to ioredis as the `url` option;
 * - `redis+unix:///path/to/redis.sock[?db=N]`: a unix socket (`path`), database `N` (default 0).
 *
 * Query parameters: `namespace` (key prefix, default `stowage`), `chunkSize` and
 * `connectTimeoutMs` (positive integers), and `db` on `redis+unix:` URLs. Nothing connects yet:
 * the storage connects on its first call.
 *
 * Errors, before any I/O, all `InvalidOptionsError` (`E_INVALID_OPTIONS`) naming the option: another
 * scheme, an unknown parameter (a typo such as `?chunksize=`), a value that is not a positive
 * integer, a `redis+unix:` URL without a socket path, a `db` that is not a database number, and
 * whatever {@link RedisStorage}'s constructor rejects (a host missing, a path that is no database
 * number). A password in the URL never appears in a message: the URL is shown with its user info
 * masked. A URL's password shows in `ps` output when passed on a command line: prefer a private
 * script or a configuration file for it.
 */
export function createStorageFromUrl(url: URL): RedisStorage {
  const unix = url.protocol === "redis+unix:";
  if (!unix && url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new InvalidOptionsError("url", url.protocol, "must use redis:, rediss: or redis+unix:", OWNER);
  }
  const params = new UrlParams(url, unix ? [...LAYOUT_PARAMS, "db"] : LAYOUT_PARAMS);
  const layout = definedOnly({
    namespace: params.string("namespace"),
    chunkSize: params.positiveInt("chunkSize"),
    connectTimeoutMs: params.positiveInt("connectTimeoutMs"),
  });
  if (!unix) return new RedisStorage({ url: withoutQuery(url).href, ...layout });
  const path = socketPath(url);
  const db = params.string("db");
  return new RedisStorage({ path, ...layout, ...(db === undefined ? {} : { db: databaseNumber(db) }) });
}

/** The socket path of a `redis+unix:` URL. */
function socketPath(url: URL): string {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new InvalidOptionsError("path", url.pathname, "must be a percent-encoded socket path", OWNER);
  }
  if (path === "" || path === "/") {
    throw new InvalidOptionsError("path", path, "must name the socket: redis+unix:///run/redis.sock", OWNER);
  }
  return path;
}

function databaseNumber(text: string): number {
  const db = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(db)) throw new InvalidOptionsError("db", text, "must be a database number (0, 1, ...)", OWNER);
  return db;
}
