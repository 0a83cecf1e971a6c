import type { Cluster, ClusterNode, Redis } from "ioredis";
import { redactError, redactText } from "@stowage/core";
import { ClusterClass, RedisClass } from "./ioredis.js";

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
  /**
   * How long one command (a script, a read, one chunk's write) may wait for the server's reply,
   * in ms, once it is sent. Default 5000. Past it the call fails as unavailable (a frozen or
   * overloaded server); the connection stays open, so the same instance works again once the
   * server answers. Not applied to a `client` passed in: set ioredis's `commandTimeout` on it.
   */
  commandTimeoutMs?: number;
}

/**
 * Builds the error thrown for a bad connection option (a typed error of the calling backend):
 * the option's name, the rejected value, and what it must be.
 */
export type OptionsErrorFactory = (option: string, value: unknown, reason: string) => Error;

/** How a backend wants its own client (not a shared `client`) set up. */
export interface ConnectionSettings {
  /**
   * Whether scripts (EVAL, EVALSHA) join ioredis's auto-pipeline on a standalone server. Default
   * true. The auto-pipeline defers every command it takes to the next event-loop turn
   * (`setImmediate`) and wraps it in a pipeline: a backend that merges its own script calls (as
   * RedisStore's ScriptBatcher does) passes false, so a lone script is written to the socket at
   * once. Scripts never join it on a cluster (see below).
   */
  pipelineScripts?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
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
  readonly #commandTimeoutMs: number;
  readonly #startupNodes: readonly ClusterNode[];
  readonly #secrets: readonly string[];
  readonly #optionsError: OptionsErrorFactory;
  #lastError: unknown;
  #waiting: Promise<void> | undefined;
  /** Set while a refused connection is being closed: the next connect waits for that to finish. */
  #closing: Promise<void> | undefined;
  /** Fails the wait in progress at once (a refused password or database). */
  #failWait: ((error: unknown) => void) | undefined;
  readonly #onError = (error: unknown): void => {
    const refused = this.#refusal(error);
    if (refused === undefined) {
      this.#lastError = error;
      return;
    }
    // Retrying cannot help: stop reconnecting (the next ready() tries once more) and fail now.
    // A database the server rejected leaves the connection on db 0: it must never get ready.
    this.#lastError = refused;
    if (!this.shared && this.#closing === undefined) {
      this.#closing = new Promise((resolve) => this.client.once("end", () => resolve()));
      this.client.disconnect();
    }
    this.#failWait?.(refused);
  };

  constructor(options: RedisConnectionOptions, optionsError: OptionsErrorFactory, settings: ConnectionSettings = {}) {
    this.#timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw optionsError("connectTimeoutMs", options.connectTimeoutMs, "must be a positive number");
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (!(Number.isSafeInteger(this.#commandTimeoutMs) && this.#commandTimeoutMs > 0)) {
      throw optionsError("commandTimeoutMs", options.commandTimeoutMs, "must be a positive integer");
    }
    this.#optionsError = optionsError;
    // `url` comes first so the option reported (the last one given) is never the url: its value
    // may carry a password, and option errors show the rejected value.
    const targets = (["url", "client", "host", "path", "cluster"] as const).filter((name) => options[name] !== undefined);
    const rejected = targets.length > 1 ? targets[targets.length - 1] : undefined;
    if (rejected !== undefined) {
      throw optionsError(rejected, options[rejected], `conflicts: give only one of ${targets.map((name) => `'${name}'`).join(" and ")}`);
    }
    checkTarget(options, optionsError);
    this.#secrets = secretsOf(options);
    this.#startupNodes = options.cluster ?? [];
    this.shared = options.client !== undefined;
    this.client = options.client ?? this.#create(options, settings.pipelineScripts ?? true);
    // ioredis emits 'error' on every failed attempt; failures reach callers through ready().
    this.client.on("error", this.#onError);
  }

  /** True when the client talks to a Redis Cluster. */
  get isCluster(): boolean {
    return this.client instanceof ClusterClass;
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
    if (client instanceof ClusterClass) {
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
    if (this.#closing !== undefined) {
      await this.#closing;
      this.#closing = undefined;
    }
    this.#lastError = undefined;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => {
        clearTimeout(timer);
        client.off("ready", onReady);
        this.#failWait = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#failWait = done;
      if (client.status === "wait" || client.status === "end" || client.status === "close") {
        client.connect().catch((error: unknown) => {
          this.#lastError ??= error;
        });
      }
      const onReady = () => done();
      const timer = setTimeout(
        () => done(this.#lastError ?? new Error(`no connection within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      client.on("ready", onReady);
      if (client.status === "ready") done();
    });
  }

  /**
   * A copy of `error` safe to attach as a `cause`: the password (of the url or the options) and
   * URL user info replaced by `***`, command arguments' byte buffers summarised. ioredis puts each
   * failed command's arguments, AUTH's password included, into its errors.
   */
  redact<T>(error: T): T {
    return redactError(error, this.#secrets);
  }

  /** True when `error` is ioredis's "Command timed out" (no reply within `commandTimeoutMs`). */
  isCommandTimeout(error: unknown): boolean {
    return error instanceof Error && error.message === "Command timed out";
  }

  /** The command deadline in ms, for messages. */
  get commandTimeoutMs(): number {
    return this.#commandTimeoutMs;
  }

  /**
   * The typed error for a connection the server refused for a reason retrying cannot fix: a wrong
   * password or user (`WRONGPASS`, `NOAUTH`, ...) or a database number it does not have. Else
   * `undefined`.
   */
  #refusal(error: unknown): Error | undefined {
    if (!(error instanceof Error) || error.name !== "ReplyError") return undefined;
    const command = (error as { command?: { name?: unknown; args?: unknown } }).command;
    const reply = error.message;
    if (command?.name === "select" || /^ERR (DB index|invalid DB index)/i.test(reply)) {
      const db = Array.isArray(command?.args) ? Number(command.args[0]) : Number.NaN;
      return this.#optionsError("db", Number.isNaN(db) ? "(as given)" : db, `was refused by the server (${reply})`);
    }
    if (command?.name === "auth" || /^(WRONGPASS|NOAUTH)\b|^ERR (invalid (username-)?password|AUTH)/i.test(reply)) {
      // The value shown is never the password itself.
      return this.#optionsError("password", "***", `was refused by the server: authentication failed (${this.redact(reply)})`);
    }
    return undefined;
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

  #create(options: RedisConnectionOptions, pipelineScripts: boolean): RedisClient {
    const timeout = this.#timeoutMs;
    // Retry while an operation may still be waiting, then rest until the next ready() call.
    const retryStrategy = (times: number) => (times * RETRY_DELAY_MS > timeout ? null : RETRY_DELAY_MS);
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeout,
      // Every command, script and pipelined command included, gets a deadline for its reply.
      commandTimeout: this.#commandTimeoutMs,
      // Commands issued in the same tick go out as one pipeline: bulk work costs few round trips.
      enableAutoPipelining: true,
      autoPipeliningIgnoredCommands: pipelineScripts ? [] : ["eval", "evalsha"],
    };
    if (options.cluster !== undefined) {
      return new ClusterClass(options.cluster, {
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
    if (options.url !== undefined) return new RedisClass(options.url, { ...common, retryStrategy, db: options.db });
    return new RedisClass({
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
    const shown = typeof options.url === "string" ? redactText(options.url) : options.url;
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

/** The password given in the options or the url (to keep out of messages), if any. */
function secretsOf(options: RedisConnectionOptions): string[] {
  const secrets: string[] = [];
  if (typeof options.url === "string") {
    try {
      const url = new URL(options.url);
      if (url.password !== "") secrets.push(url.password, decodeURIComponent(url.password));
      else if (url.username !== "") secrets.push(url.username, decodeURIComponent(url.username));
    } catch {
      // checkTarget already rejected it.
    }
  }
  const password = (options as { password?: unknown }).password;
  if (typeof password === "string") secrets.push(password);
  return secrets;
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
