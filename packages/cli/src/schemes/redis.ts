import { UsageError } from "../exit-codes.js";
import type { FirstPartyScheme } from "./scheme.js";
import { UrlParams, definedOnly, exportedClass } from "./url-params.js";

interface RedisOptions {
  url?: string;
  path?: string;
  db?: number;
  namespace?: string;
  chunkSize?: number;
  connectTimeoutMs?: number;
}

const LAYOUT_PARAMS = ["namespace", "chunkSize", "connectTimeoutMs"] as const;

/**
 * `RedisStorage` from `@stowage/redis`:
 * - `redis://[user:password@]host[:port][/db]` and `rediss://…` (TLS), passed to ioredis as is;
 * - `redis+unix:///path/to/redis.sock[?db=N]` for a unix socket.
 *
 * Query parameters: `namespace` (key prefix, default `stowage`), `chunkSize`, `connectTimeoutMs`.
 * Prefer `REDISCLI_AUTH`-style secrets in the URL's password only in private scripts: it shows in
 * `ps` output.
 */
export const redisScheme: FirstPartyScheme = {
  protocols: ["redis:", "rediss:", "redis+unix:"],
  packageName: "@stowage/redis",
  open(module, url) {
    const unix = url.protocol === "redis+unix:";
    const params = new UrlParams(url, unix ? [...LAYOUT_PARAMS, "db"] : LAYOUT_PARAMS);
    const RedisStorage = exportedClass<RedisOptions>(module, "RedisStorage", this.packageName);
    const layout = definedOnly({
      namespace: params.string("namespace"),
      chunkSize: params.positiveInt("chunkSize"),
      connectTimeoutMs: params.positiveInt("connectTimeoutMs"),
    });
    if (unix) {
      const path = decodeURIComponent(url.pathname);
      if (path === "" || path === "/") throw new UsageError("redis+unix: URLs name the socket: redis+unix:///run/redis.sock");
      const db = params.string("db");
      return new RedisStorage({ path, ...layout, ...(db === undefined ? {} : { db: parseDb(db) }) });
    }
    const bare = new URL(url.href);
    bare.search = "";
    return new RedisStorage({ url: bare.href, ...layout });
  },
};

function parseDb(text: string): number {
  const db = Number(text);
  if (!Number.isSafeInteger(db) || db < 0) throw new UsageError(`'db' must be a database number, got '${text}'`);
  return db;
}
