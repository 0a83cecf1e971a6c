import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectStoreError, isStowageError } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { RedisStore, UNAVAILABLE_MESSAGE } from "../src/index.js";
import { Device } from "./models.js";
import { storeBehaviour } from "./store-behaviour.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

describe("RedisStore on a standalone server", () => {
  storeBehaviour(() => ({ url: server.url }));

  it("rejects url and host together, and a bad store id, before connecting", () => {
    expect(() => new RedisStore({ url: server.url, host: "127.0.0.1" })).toThrow(ObjectStoreError);
    expect(() => new RedisStore({ url: server.url, host: "127.0.0.1" })).toThrow(/'url' and 'host'/);
    expect(() => new RedisStore({ url: server.url, storeId: "" })).toThrow(ObjectStoreError);
  });

  it("connects by host and port, and keeps store ids apart", async () => {
    const a = await RedisStore.connect({ host: server.host, port: server.port, storeId: "a", connectTimeoutMs: 15_000 });
    const ab = await RedisStore.connect({ host: server.host, port: server.port, storeId: "a:b", connectTimeoutMs: 15_000 });
    try {
      await a.add(new Device({ name: "x", site: "1" }));
      expect(await ab.count()).toBe(0);
      expect(await ab.getAllModelNames()).toEqual(new Set());
    } finally {
      await Promise.all([a.close(), ab.close()]);
    }
  });
});

describe("RedisStore when Redis goes away", () => {
  it("fails with E_UNAVAILABLE ('Redis store is unavailable: ...') while down, and works again after a restart", async () => {
    // 5 s bounds the down phase, and is generous for the reconnect after the restart on a loaded machine.
    const store = await RedisStore.connect({ url: server.url, storeId: randomUUID(), connectTimeoutMs: 5000, models: [Device] });
    try {
      await store.add(new Device({ name: "before", site: "x" }));
      await server.kill();
      const failure = await store.count().catch((error: unknown) => error);
      // The outage code the blob tier uses (issue 20), still an object-store error by class.
      expect(isStowageError(failure, "E_UNAVAILABLE")).toBe(true);
      // It says what failed: the connection error after the wording every outage begins with.
      expect((failure as Error).message).toMatch(new RegExp(`^${UNAVAILABLE_MESSAGE}: \\S`));
      expect((failure as Error).message).toMatch(/ECONNREFUSED|no connection within|Connection is closed|Stream isn't writeable/);
      expect((failure as Error).cause).toBeDefined();
      const during = await store.add(new Device({ name: "during", site: "x" })).catch((error: unknown) => error);
      expect(isStowageError(during, "E_UNAVAILABLE")).toBe(true);
      await server.restart();
      await store.add(new Device({ name: "after", site: "y" }));
      expect((await store.get(Device, "after")).site).toBe("y");
    } finally {
      await store.close();
    }
  });

  it("fails to connect within the configured time when Redis is not there", async () => {
    await server.kill();
    try {
      const failure = await RedisStore.connect({ url: server.url, connectTimeoutMs: 300 }).catch((error: unknown) => error);
      expect(isStowageError(failure, "E_UNAVAILABLE")).toBe(true);
      expect((failure as Error).message.startsWith(`${UNAVAILABLE_MESSAGE}: `)).toBe(true);
    } finally {
      await server.restart();
    }
  });
});
