import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageUnavailableError, collectBytes } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { RedisStorage } from "../src/index.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

describe("RedisStorage when Redis goes away", () => {
  it("fails with StorageUnavailableError while it is down, and works again once it is back", async () => {
    // 5 s bounds the down phase, and is generous for the reconnect after the restart on a loaded machine.
    const storage = new RedisStorage({ url: server.url, namespace: randomUUID(), connectTimeoutMs: 5000 });
    try {
      await storage.write("before", "x");
      await server.kill();
      const down = await Promise.allSettled([storage.exists("before"), storage.write("during", "y"), storage.list("")]);
      for (const result of down) {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
        expect((result as PromiseRejectedResult).reason.cause).toBeDefined();
      }
      await server.restart();
      // Same instance, no re-creation; the restarted server is empty (no persistence).
      expect(await storage.exists("before")).toBe(false);
      await storage.write("after", "z");
      expect((await collectBytes(await storage.read("after"))).toString()).toBe("z");
    } finally {
      await storage.close();
    }
  });

  it("fails fast, not endlessly, when the server was never reachable", async () => {
    await server.kill();
    const storage = new RedisStorage({ url: server.url, namespace: randomUUID(), connectTimeoutMs: 300 });
    try {
      await expect(storage.exists("x")).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(storage.recursiveList("")).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await storage.close();
      await server.restart();
    }
  });
});
