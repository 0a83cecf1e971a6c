import { createHash } from "node:crypto";
import type { RedisClient } from "./connection.js";

/**
 * A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it yet
 * (after a restart or on another cluster node). It never alters the client, so a shared client is
 * left as it was given.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script; on a cluster every key must share one hash slot. */
  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}
