import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, isStowageError } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { createStorageFromUrl, type RedisStorage } from "../src/index.js";

const PASSWORD = "Url-Pl4nted-S3cret";

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis();
  admin = new Redis({ path: server.socket });
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

/** Opens `url`, runs `body`, closes the storage. */
async function using(url: string, body: (storage: RedisStorage) => Promise<void>): Promise<void> {
  const storage = createStorageFromUrl(new URL(url));
  try {
    await body(storage);
  } finally {
    await storage.close();
  }
}

/** What `call` threw (a failure when it returned). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** The keys of database `db` that belong to `namespace`, sorted. */
async function keysOf(db: number, namespace: string): Promise<string[]> {
  const client = new Redis({ path: server.socket, db });
  try {
    return (await client.keys(`*${namespace}*`)).sort();
  } finally {
    client.disconnect();
  }
}

describe("createStorageFromUrl: the URLs the CLI takes, against a real redis-server", () => {
  it("redis://host:port/db with namespace, chunkSize and connectTimeoutMs", async () => {
    const namespace = randomUUID();
    await using(`redis://${server.host}:${server.port}/3?namespace=${namespace}&chunkSize=1024&connectTimeoutMs=15000`, async (storage) => {
      expect(storage.namespace).toBe(namespace);
      await storage.write("a/b", Buffer.alloc(2500, 1));
      expect((await collectBytes(await storage.read("a/b"))).byteLength).toBe(2500);
      const keys = await keysOf(3, namespace);
      expect(keys.filter((key) => key.startsWith(`{${namespace}}:`))).toEqual([`{${namespace}}:files`, `{${namespace}}:folders`, `{${namespace}}:meta`, `{${namespace}}:refs`]);
      const content = keys.find((key) => key.startsWith(`${namespace}:chunks:`));
      // 2500 bytes in chunks of 1024: three chunk fields and the writer's stamp.
      const db3 = new Redis({ path: server.socket, db: 3 });
      try {
        expect(await db3.hlen(content as string)).toBe(4);
      } finally {
        db3.disconnect();
      }
      expect(await keysOf(0, namespace)).toEqual([]);
    });
  });

  it("redis://host:port without a path or query: database 0, namespace stowage", async () => {
    await using(`redis://${server.host}:${server.port}`, async (storage) => {
      expect(storage.namespace).toBe("stowage");
      const path = `from-url/${randomUUID()}`;
      await storage.write(path, "zero");
      expect(await admin.hexists("{stowage}:meta", path)).toBe(1);
      await storage.delete(path);
    });
  });

  it("redis+unix:///socket?db=N reaches the server over its socket, in database N", async () => {
    const namespace = randomUUID();
    await using(`redis+unix://${server.socket}?db=2&namespace=${namespace}`, async (storage) => {
      await storage.write("over/the/socket", "hello");
      expect((await collectBytes(await storage.read("over/the/socket"))).toString()).toBe("hello");
      expect(await keysOf(2, namespace)).toContain(`{${namespace}}:meta`);
      expect(await keysOf(0, namespace)).toEqual([]);
      expect((storage.client as Redis).options.path).toBe(server.socket);
    });
  });

  it("rediss:// asks for TLS, and keeps the database", () => {
    const storage = createStorageFromUrl(new URL("rediss://cache.example:6380/4"));
    expect((storage.client as Redis).options.tls).toBeTruthy();
    expect(Number((storage.client as Redis).options.db)).toBe(4);
    return storage.close();
  });

  it("a password in the URL authenticates, and a wrong one fails typed without showing either", async () => {
    await admin.config("SET", "requirepass", PASSWORD);
    const authed = new Redis({ path: server.socket, password: PASSWORD, lazyConnect: true });
    try {
      await using(`redis://:${PASSWORD}@${server.host}:${server.port}?namespace=${randomUUID()}`, async (storage) => {
        await storage.write("k", "v");
        expect(await storage.exists("k")).toBe(true);
      });
      await using(`redis://user:wrong-${PASSWORD}@${server.host}:${server.port}?connectTimeoutMs=60000`, async (storage) => {
        const error = await storage.exists("k").then(() => "resolved", (reason: unknown) => reason);
        expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
        expect(inspect(error, { depth: Infinity })).not.toContain(PASSWORD);
      });
    } finally {
      await authed.connect();
      await authed.config("SET", "requirepass", "");
      authed.disconnect();
    }
  });
});

describe("createStorageFromUrl: bad URLs are InvalidOptionsError before any I/O, without the password", () => {
  const base = `redis://:${PASSWORD}@127.0.0.1:6379`;
  const cases: [string, string, string][] = [
    ["a typo in a parameter's name", `${base}/0?chunksize=1024`, "chunksize"],
    ["db as a parameter of a TCP URL (it is the path there)", `${base}?db=1`, "db"],
    ["a chunkSize that is not a positive integer", `${base}?chunkSize=0`, "chunkSize"],
    ["a connectTimeoutMs that is not a number", `${base}?connectTimeoutMs=soon`, "connectTimeoutMs"],
    ["an empty namespace", `${base}?namespace=`, "namespace"],
    ["a namespace with a hash-tag brace", `${base}?namespace=a%7Bb`, "namespace"],
    ["a path that is no database number", `${base}/cache`, "url"],
    ["a host missing", "redis:///0", "url"],
    ["another scheme", `http://:${PASSWORD}@127.0.0.1:6379`, "url"],
    ["a unix URL without a socket", "redis+unix:///", "path"],
    ["a unix URL with a db that is not a number", "redis+unix:///run/redis.sock?db=two", "db"],
    ["a unix URL with a negative db", "redis+unix:///run/redis.sock?db=-1", "db"],
    ["a unix URL with an unknown parameter", "redis+unix:///run/redis.sock?database=1", "database"],
  ];
  for (const [name, url, option] of cases) {
    it(name, () => {
      const error = thrown(() => createStorageFromUrl(new URL(url)));
      expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
      expect(error).toMatchObject({ option });
      expect(inspect(error, { depth: Infinity })).not.toContain(PASSWORD);
    });
  }
});
