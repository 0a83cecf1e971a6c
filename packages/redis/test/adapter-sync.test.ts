import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeAdapterSync } from "@stowage/conformance";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import { RedisStore, type RedisConnectionOptions } from "../src/index.js";

let server: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

// Generous connect timeouts: a loaded machine can be slow, and these tests are not about outages.
const topologies: [string, () => RedisConnectionOptions][] = [
  ["standalone", () => ({ path: server.socket, connectTimeoutMs: 15_000 })],
  ["3-master cluster", () => ({ cluster: cluster.nodes, connectTimeoutMs: 15_000 })],
];

for (const [topology, connect] of topologies) {
  // Each store gets its own id: every test starts from an empty dataset on the shared server.
  describeAdapterSync({ describe, it }, {
    name: `RedisStore (${topology})`,
    createStore: () => new RedisStore({ ...connect(), storeId: randomUUID() }),
  });
}
