import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { describeAdvancedSnapshotStorage, describeObjectStore } from "@stowage/conformance";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import { RedisStorage, RedisStore, type RedisConnectionOptions } from "../src/index.js";

let server: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

// Generous connect timeouts: CI machines can be slow, and these tests are not about outages.
const topologies: [string, () => RedisConnectionOptions][] = [
  ["standalone", () => ({ path: server.socket, connectTimeoutMs: 15_000 })],
  ["3-master cluster", () => ({ cluster: cluster.nodes, connectTimeoutMs: 15_000 })],
];

for (const [topology, connect] of topologies) {
  describeAdvancedSnapshotStorage({ describe, it, afterEach }, {
    name: `RedisStorage (${topology})`,
    create: () => new RedisStorage({ ...connect(), namespace: randomUUID() }),
    cleanup: (storage) => storage.close(),
  });

  describeObjectStore({ describe, it }, {
    name: `RedisStore (${topology})`,
    create: () => new RedisStore({ ...connect(), storeId: randomUUID() }),
    // A second, independent client on the same dataset, as another process would open it.
    reopen: (store) => new RedisStore({ ...connect(), storeId: store.storeId }),
  });
}
