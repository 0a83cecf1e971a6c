import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, isStowageError } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { RedisStorage, RedisStore, UNAVAILABLE_MESSAGE } from "../src/index.js";

/*
 * Faults a real server produces on demand: a frozen server (SIGSTOP), a wrong password, a database
 * the server does not have. The connect timeouts are set far above the suite's 60 s test timeout,
 * so a test that passes proves the failure came from the command deadline or from the server's
 * refusal, not from waiting out the connect timeout.
 */
const NEVER_MS = 120_000;
const PASSWORD = "Pl4nted-S3cret-pw";

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url, { lazyConnect: true });
  await admin.connect();
});
afterAll(async () => {
  await server?.thaw();
  admin?.disconnect();
  await server?.stop();
});

/** Everything a person could see of `error`: inspect to any depth, and what console.error prints. */
function printed(error: unknown): string {
  return `${inspect(error, { depth: Infinity, showHidden: true })}\n${inspect(error)}\n${String(error)}`;
}

describe("a frozen Redis server (SIGSTOP)", () => {
  it("fails every call within commandTimeoutMs as unavailable, and the same instances recover after SIGCONT", async () => {
    const namespace = randomUUID();
    const storage = new RedisStorage({ url: server.url, namespace, connectTimeoutMs: NEVER_MS, commandTimeoutMs: 500 });
    const store = new RedisStore({ url: server.url, namespace, connectTimeoutMs: NEVER_MS, commandTimeoutMs: 500 });
    try {
      await storage.write("before", "x");
      expect(await store.count()).toBe(0);
      await server.freeze();
      let down: PromiseSettledResult<unknown>[];
      try {
        down = await Promise.allSettled([
          storage.exists("before"),
          storage.write("during", "y"),
          storage.write("big", Buffer.alloc(3 * 256 * 1024, 7)),
          storage.list(""),
          storage.stat("before"),
          storage.delete("before"),
        ]);
        const count = await store.count().then(
          () => "resolved",
          (error: unknown) => error,
        );
        // The outage code of the blob side (issue 20), and what failed.
        expect(isStowageError(count, "E_UNAVAILABLE")).toBe(true);
        expect((count as Error).message).toBe(`${UNAVAILABLE_MESSAGE}: Redis did not answer within 500 ms (commandTimeoutMs)`);
      } finally {
        await server.thaw();
      }
      for (const result of down) {
        expect(result.status).toBe("rejected");
        const reason = (result as PromiseRejectedResult).reason as Error;
        expect(isStowageError(reason, "E_UNAVAILABLE"), String(reason)).toBe(true);
        expect(reason.message).toMatch(/did not answer within 500 ms/);
      }
      // The same instances, no reconnect needed: the server answers again.
      await storage.write("after", "z");
      expect((await collectBytes(await storage.read("after"))).toString()).toBe("z");
      expect(await store.count()).toBe(0);
      // The frozen delete may have been applied after SIGCONT; what was written before is whole either way.
      if (await storage.exists("before")) expect((await collectBytes(await storage.read("before"))).toString()).toBe("x");
    } finally {
      await server.thaw();
      await storage.close();
      await store.close();
    }
  });
});

describe("credentials and databases the server refuses", () => {
  it("a wrong or missing password is a typed error at once, and never shows the password", async () => {
    const before = await admin.dbsize();
    await admin.config("SET", "requirepass", PASSWORD);
    const authed = new Redis({ host: server.host, port: server.port, password: PASSWORD, lazyConnect: true });
    const wrong = `wrong-${PASSWORD}`;
    const url = `redis://:${wrong}@${server.host}:${server.port}`;
    const storage = new RedisStorage({ url, namespace: randomUUID(), connectTimeoutMs: NEVER_MS });
    const store = new RedisStore({ url, namespace: randomUUID(), connectTimeoutMs: NEVER_MS });
    const none = new RedisStorage({ url: server.url, namespace: randomUUID(), connectTimeoutMs: NEVER_MS });
    try {
      for (const call of [() => storage.exists("x"), () => storage.write("x", "y"), () => store.count(), () => none.exists("x")]) {
        const error = await call().then(
          () => "resolved",
          (reason: unknown) => reason,
        );
        if (call.toString().includes("store.")) {
          // RedisStore's option errors are ObjectStoreErrors, as for every other RedisStore option.
          expect(isStowageError(error, "E_OBJECT_STORE"), String(error)).toBe(true);
        } else {
          expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
          expect(error).toMatchObject({ option: "password", value: "***" });
        }
        expect((error as Error).message).toMatch(/option 'password' was refused by the server: authentication failed/);
        const text = printed(error);
        expect(text).not.toContain(wrong);
        expect(text).not.toContain(PASSWORD);
      }
      await authed.connect();
      expect(await authed.dbsize()).toBe(before);
      // The right password works with the same kind of URL.
      const right = new RedisStorage({ url: `redis://:${PASSWORD}@${server.host}:${server.port}`, namespace: randomUUID() });
      await right.write("k", "v");
      expect(await right.exists("k")).toBe(true);
      await right.close();
    } finally {
      await authed.config("SET", "requirepass", "").catch(() => undefined);
      authed.disconnect();
      await Promise.all([storage.close(), store.close(), none.close()]);
    }
  });

  it("a database number the server does not have is a typed error, and nothing is written anywhere", async () => {
    // Keys per database: `avg_ttl` is Redis's running estimate and moves on its own as keys that
    // earlier tests staged with an expiry age, so it is left out of the comparison.
    const keyspace = async () => (await admin.info("keyspace")).replace(/,avg_ttl=\d+/g, "");
    const before = await keyspace();
    const storage = new RedisStorage({ host: server.host, port: server.port, db: 999, namespace: randomUUID(), connectTimeoutMs: NEVER_MS });
    const byUrl = new RedisStorage({ url: `${server.url}/999`, namespace: randomUUID(), connectTimeoutMs: NEVER_MS });
    try {
      for (const target of [storage, byUrl]) {
        for (const call of [() => target.write("x", "y"), () => target.exists("x"), () => target.write("z", "w")]) {
          const error = await call().then(
            () => "resolved",
            (reason: unknown) => reason,
          );
          expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
          expect(error).toMatchObject({ option: "db", value: 999 });
        }
      }
      expect(await keyspace()).toBe(before);
    } finally {
      await Promise.all([storage.close(), byUrl.close()]);
    }
  });
});
