import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { InvalidOptionsError } from "@stowage/core";
import { RedisStorage } from "../src/index.js";
import { storageBehaviour } from "./storage-behaviour.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

describe("RedisStorage on a standalone server (unix socket)", () => {
  storageBehaviour(() => ({ path: server.socket }));
});

describe("RedisStorage on a standalone server (url)", () => {
  storageBehaviour(() => ({ url: server.url }));
});

describe("RedisStorage on a shared client", () => {
  it("uses the client it is given and leaves it open on close()", async () => {
    const client = new Redis({ path: server.socket });
    try {
      const storage = new RedisStorage({ client, namespace: randomUUID() });
      expect(storage.client).toBe(client);
      await storage.write("shared", "yes");
      await storage.close();
      expect(await client.hexists(`{${storage.namespace}}:meta`, "shared")).toBe(1);
      expect(() => new RedisStorage({ client, url: server.url })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "client" }));
      expect(() => new RedisStorage({ client, chunkSize: 0 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "chunkSize", value: 0 }));
      expect(() => new RedisStorage({ client, connectTimeoutMs: -1 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "connectTimeoutMs", value: -1 }));
    } finally {
      client.disconnect();
    }
  });
});

describe("RedisStorage targets that cannot work", () => {
  it("are bad options at once, not outages after the connect timeout, and never show a password", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: "redis//x" }, "url"],
      [{ url: "redis://:S3cr3t@127.0.0.1:99999" }, "url"],
      [{ url: "http://user:S3cr3t@127.0.0.1:6379" }, "url"],
      [{ url: "redis://:S3cr3t@127.0.0.1:6379/abc" }, "url"],
      [{ host: "127.0.0.1", port: 99999 }, "port"],
      [{ host: "127.0.0.1", port: 0 }, "port"],
      [{ path: "/tmp/redis.sock", db: -1 }, "db"],
      [{ path: "/tmp/redis.sock", db: 1.5 }, "db"],
    ];
    for (const [options, option] of cases) {
      let caught: unknown;
      try {
        new RedisStorage(options);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(options)).toMatchObject({ code: "E_INVALID_OPTIONS", option });
      expect(String((caught as Error).message)).not.toContain("S3cr3t");
      expect(JSON.stringify((caught as { value?: unknown }).value ?? null)).not.toContain("S3cr3t");
    }
  });
});
