import { randomUUID } from "node:crypto";
import { gatedSource, pseudoRandomBytes } from "@stowage/conformance";
import { isStowageError } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStorage } from "../src/index.js";
import { stagedDebris } from "./staged-debris.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

describe("RedisStorage: an aborted write removes its staged content", () => {
  it("staged content shows while a write runs, and is gone once the write is aborted", async () => {
    const storage = new RedisStorage({ path: server.socket, namespace: randomUUID(), chunkSize: 1024 });
    try {
      await storage.write("f", "old");
      const controller = new AbortController();
      const source = gatedSource(pseudoRandomBytes(64 * 1024, 7));
      const writing = storage.write("f", source.chunks, { signal: controller.signal });
      writing.catch(() => undefined);
      await source.started;
      // The first half is staged (its chunks are sent before the next pull completes).
      await expect.poll(() => stagedDebris(storage).then((keys) => keys.length)).toBe(1);
      controller.abort("stop");
      const error = await writing.then(() => undefined, (reason: unknown) => reason);
      expect(isStowageError(error, "E_ABORTED")).toBe(true);
      expect(await stagedDebris(storage)).toEqual([]);
      expect(await storage.client.dbsize()).toBe(4); // files, meta, folders... of the catalogue, and "f"'s content
      source.release();
    } finally {
      await storage.close();
    }
  });
});
