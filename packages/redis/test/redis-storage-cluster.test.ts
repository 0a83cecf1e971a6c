import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type RedisCluster } from "@stowage/testkit/redis";
import { RedisStorage, RedisStore } from "../src/index.js";
import { Device } from "./models.js";
import { storeBehaviour } from "./store-behaviour.js";
import { storageBehaviour } from "./storage-behaviour.js";

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(() => cluster?.stop());

describe("RedisStore on a 3-master cluster", () => {
  storeBehaviour(() => ({ cluster: cluster.nodes }));

  it("spreads a store's objects over every master", async () => {
    const store = new RedisStore({ cluster: cluster.nodes, connectTimeoutMs: 15_000 });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.add(new Device({ name: `d${i}`, site: "x" }))));
      // One hash per shard (16), spread over the masters, holding the 200 objects between them.
      const perNode = await Promise.all(cluster.nodes.map((node) => keysOn(node, `stowage:${store.storeId}:{*}:device`)));
      for (const keys of perNode) expect(keys.length).toBeGreaterThan(0);
      expect(perNode.flat()).toHaveLength(16);
      const sizes = await Promise.all(cluster.nodes.map((node, i) => fieldsOn(node, perNode[i] ?? [])));
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(200);
      expect(await store.count(Device)).toBe(200);
    } finally {
      await store.close();
    }
  });
});

describe("RedisStorage on a 3-master cluster", () => {
  storageBehaviour(() => ({ cluster: cluster.nodes }));
});

describe("RedisStorage key placement on a cluster", () => {
  it("spreads file content over every master while the catalogue stays on one", async () => {
    const storage = new RedisStorage({ cluster: cluster.nodes, namespace: randomUUID(), chunkSize: 16, connectTimeoutMs: 15_000 });
    try {
      await Promise.all(Array.from({ length: 30 }, (_, i) => storage.write(`spread/${i}`, `content of file ${i}`)));
      const perNode = await Promise.all(cluster.nodes.map((node) => keysOn(node, `${storage.namespace}:chunks:*`)));
      for (const keys of perNode) expect(keys.length).toBeGreaterThan(0);
      expect(perNode.flat()).toHaveLength(30);
      expect(await storage.recursiveList("spread")).toHaveLength(30);
    } finally {
      await storage.close();
    }
  });
});

/** The keys matching `pattern` on one master, asked directly (KEYS: a private test server). */
async function keysOn(node: { host: string; port: number }, pattern: string): Promise<string[]> {
  const client = new Redis({ host: node.host, port: node.port });
  try {
    return await client.keys(pattern);
  } finally {
    client.disconnect();
  }
}

/** How many fields the hashes `keys` on one master hold together. */
async function fieldsOn(node: { host: string; port: number }, keys: readonly string[]): Promise<number> {
  const client = new Redis({ host: node.host, port: node.port });
  try {
    let total = 0;
    for (const key of keys) total += await client.hlen(key);
    return total;
  } finally {
    client.disconnect();
  }
}
