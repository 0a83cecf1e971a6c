import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type RedisCluster } from "@stowage/testkit/redis";
import { RedisStorage } from "../src/index.js";
import { storageBehaviour } from "./storage-behaviour.js";

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(() => cluster?.stop());

describe("RedisStorage on a 3-master cluster", () => {
  storageBehaviour(() => ({ cluster: cluster.nodes }));
});

describe("RedisStorage key placement on a cluster", () => {
  it("spreads file content over every master while the catalogue stays on one", async () => {
    const storage = new RedisStorage({ cluster: cluster.nodes, namespace: randomUUID(), chunkSize: 16 });
    try {
      await Promise.all(Array.from({ length: 30 }, (_, i) => storage.write(`spread/${i}`, `content of file ${i}`)));
      const perNode = await Promise.all(
        cluster.nodes.map(async (node) => {
          const client = new Redis({ host: node.host, port: node.port });
          try {
            // Each master is asked directly: KEYS on a private test server, to observe placement.
            return await client.keys(`${storage.namespace}:chunks:*`);
          } finally {
            client.disconnect();
          }
        }),
      );
      for (const keys of perNode) expect(keys.length).toBeGreaterThan(0);
      expect(perNode.flat()).toHaveLength(30);
      expect(await storage.recursiveList("spread")).toHaveLength(30);
    } finally {
      await storage.close();
    }
  });
});
