import { Cluster, Redis, type ClusterNode } from "ioredis";

/** A Redis client stowage can use: a standalone `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/**
 * Where a Redis backend connects. Give one of: `client` (shared, never closed by stowage), `url`,
 * `host`/`port`, `path` (unix socket), or `cluster` (startup nodes). Nothing means
 * `127.0.0.1:6379`.
 */
export interface RedisConnectionOptions {
  /** An existing ioredis client to share. Stowage never closes it; its own retry options apply. */
  client?: RedisClient;
  /** `redis://[user:pass@]host[:port][/db]` or `rediss://...`. Not together with `host`. */
  url?: string;
  /** Server host. Not together with `url`. */
  host?: string;
  /** Server port. Default 6379. */
  port?: number;
  /** A unix socket path instead of host and port. */
  path?: string;
  /** Database number (standalone only). Default 0. */
  db?: number;
  /** Startup nodes of a Redis Cluster. */
  cluster?: ClusterNode[];
  /**
   * How long an operation waits for a (re)connection before failing as unavailable, in ms.
   * Default 2000. Bounds connect attempts too: stowage never queues commands without limit.
   */
  connectTimeoutMs?: number;
}

/**
 * Builds the error thrown for a bad connection option (a typed error of the calling backend):
 * the option's name, the rejected value, and what it must be.
 */
export type OptionsErrorFactory = (option: string, value: unknown, reason: string) => Error;

const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const RETRY_DELAY_MS = 100;

/**
 * Owns (or borrows) an ioredis client and gives each operation a connection within a bounded time.
 *
 * The client runs without an offline queue: a command is only sent on a ready connection, so a
 * dead server never accumulates an endless queue. {@link RedisConnection.ready} connects on demand
 * (also again after the server came back) and waits at most `connectTimeoutMs`.
 */
export class RedisConnection {
  /** The ioredis client. */
  readonly client: RedisClient;
  /** Whether the client was passed in (then it is never closed here). */
  readonly shared: boolean;
  readonly #timeoutMs: number;
  readonly #startupNodes: readonly ClusterNode[];
  #lastError: unknown;
  #waiting: Promise<void> | undefined;
  readonly #onError = (error: unknown): void => {
    this.#lastError = error;
  };

  constructor(options: RedisConnectionOptions, optionsError: OptionsErrorFactory) {
    this.#timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw optionsError("connectTimeoutMs", options.connectTimeoutMs, "must be a positive number");
    // `url` comes first so the option reported (the last one given) is never the url: its value
    // may carry a password, and option errors show the rejected value.
    const targets = (["url", "client", "host", "path", "cluster"] as const).filter((name) => options[name] !== undefined);
    const rejected = targets.length > 1 ? targets[targets.length - 1] : undefined;
    if (rejected !== undefined) {
      throw optionsError(rejected, options[rejected], `conflicts: give only one of ${targets.map((name) => `'${name}'`).join(" and ")}`);
    }
    checkTarget(options, optionsError);
    this.#startupNodes = options.cluster ?? [];
    this.shared = options.client !== undefined;
    this.client = options.client ?? this.#create(options);
    // ioredis emits 'error' on every failed attempt; failures reach callers through ready().
    this.client.on("error", this.#onError);
  }

  /** True when the client talks to a Redis Cluster. */
  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  /**
   * Where this connection leads, for telling whether two connections reach the same data: for a
   * standalone server `unix:<socket path>/<db>` or `tcp:<host>:<port>/<db>`, for a cluster
   * `cluster:<host>:<port>` per startup node and per node the client has discovered. Two
   * connections reach the same data when their lists share an entry. Addresses are compared as
   * written (no DNS): `localhost` and `127.0.0.1` differ, which can only make a match missed.
   */
  endpoints(): string[] {
    const client = this.client;
    if (client instanceof Cluster) {
      const discovered = client.nodes("all").map((node) => ({ host: node.options.host, port: node.options.port }));
      return [...this.#startupNodes, ...discovered].map((node) => `cluster:${nodeAddress(node)}`);
    }
    const { path, host = "localhost", port = 6379, db = 0 } = client.options;
    return [path ? `unix:${path}/${db}` : `tcp:${host}:${port}/${db}`];
  }

  /**
   * Resolves once the client is ready, connecting if needed; rejects with the last connection
   * error (or a timeout error) after `connectTimeoutMs`.
   */
  async ready(): Promise<void> {
    if (this.client.status === "ready") return;
    // Concurrent operations share one wait (and one listener).
    this.#waiting ??= this.#waitForReady().finally(() => {
      this.#waiting = undefined;
    });
    return this.#waiting;
  }

  async #waitForReady(): Promise<void> {
    const client = this.client;
    if (client.status === "wait" || client.status === "end" || client.status === "close") {
      client.connect().catch((error: unknown) => {
        this.#lastError = error;
      });
    }
    await new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => {
        clearTimeout(timer);
        client.off("ready", onReady);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = () => done();
      const timer = setTimeout(
        () => done(this.#lastError ?? new Error(`no connection within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      client.on("ready", onReady);
      if (client.status === "ready") done();
    });
  }

  /** Closes an owned client (a shared one is left open). */
  async close(): Promise<void> {
    if (this.shared) {
      this.client.off("error", this.#onError);
      return;
    }
    if (this.client.status === "ready") await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  #create(options: RedisConnectionOptions): RedisClient {
    const timeout = this.#timeoutMs;
    // Retry while an operation may still be waiting, then rest until the next ready() call.
    const retryStrategy = (times: number) => (times * RETRY_DELAY_MS > timeout ? null : RETRY_DELAY_MS);
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeout,
      // Commands issued in the same tick go out as one pipeline: bulk work costs few round trips.
      enableAutoPipelining: true,
    };
    if (options.cluster !== undefined) {
      return new Cluster(options.cluster, {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        // ioredis groups a cluster's auto-pipelines by the first argument, which for a script is
        // its sha, not a key: scripts would land in mixed-slot pipelines. Send them on their own.
        autoPipeliningIgnoredCommands: ["eval", "evalsha"],
        clusterRetryStrategy: retryStrategy,
        redisOptions: common,
      });
    }
    if (options.url !== undefined) return new Redis(options.url, { ...common, retryStrategy, db: options.db });
    return new Redis({
      ...common,
      retryStrategy,
      host: options.host,
      port: options.port,
      path: options.path,
      db: options.db,
    });
  }
}

/**
 * Rejects targets that cannot work before any connection is tried, so that a typo is a bad option
 * at once, not an outage after the connect timeout: a url that does not parse or is not `redis:`,
 * `rediss:`; a port outside 1–65535; a database that is not a non-negative integer.
 */
function checkTarget(options: RedisConnectionOptions, optionsError: OptionsErrorFactory): void {
  if (options.url !== undefined) {
    // The value may carry a password: errors show it with the user info masked.
    const shown = typeof options.url === "string" ? maskUserInfo(options.url) : options.url;
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw optionsError("url", shown, "must be a URL like redis://[user:password@]host[:port][/db]");
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw optionsError("url", shown, `must start with redis:// or rediss://, not ${url.protocol}//`);
    }
    if (url.hostname === "") throw optionsError("url", shown, "must name a host");
    const db = url.pathname.replace(/^\//, "");
    if (db !== "" && !/^\d+$/.test(db)) throw optionsError("url", shown, "must end with a database number (/0, /1, ...) or nothing");
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1 && options.port <= 65535)) {
    throw optionsError("port", options.port, "must be an integer from 1 to 65535");
  }
  if (options.db !== undefined && !(Number.isInteger(options.db) && options.db >= 0)) {
    throw optionsError("db", options.db, "must be a non-negative integer");
  }
}

/** `url` with anything between `//` and `@` replaced by `***`. */
function maskUserInfo(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//***@");
}

/** `host:port` of a cluster node as ioredis accepts it (a port number, a `host:port` string or an object). */
function nodeAddress(node: ClusterNode): string {
  if (typeof node === "number") return `localhost:${node}`;
  if (typeof node === "string") return /^\d+$/.test(node) ? `localhost:${node}` : node;
  return `${node.host ?? "localhost"}:${node.port ?? 6379}`;
}

// Replies that mean "the server cannot serve right now", not "the request was wrong".
const TRANSIENT_REPLY = /^(CLUSTERDOWN|LOADING|TRYAGAIN|MASTERDOWN|BUSY)\b/;

/** True when `error` means Redis could not be reached or could not serve, rather than a bad request. */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "ReplyError") return TRANSIENT_REPLY.test(error.message);
  return true;
}

/**
 * True when `error` is the server refusing a command itself rather than failing it: unknown to
 * this server version (`COPY` before Redis 6.2) or not allowed to this user by an ACL.
 */
export function isRefusedCommand(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== "ReplyError") return false;
  return /^(ERR unknown command|NOPERM)\b/i.test(error.message);
}
