import { afterAll, beforeAll } from "vitest";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import type { RedisConnectionOptions } from "../src/index.js";

/**
 * Starts a private standalone server and a 3-master cluster for the calling test file, and names
 * how to connect to each. Connect timeouts are generous: a loaded machine can be slow, and the
 * suites run here are not about outages.
 */
export function useTopologies(): [string, () => RedisConnectionOptions][] {
  let server: RedisServer;
  let cluster: RedisCluster;
  beforeAll(async () => {
    [server, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), cluster?.stop()]);
  });
  return [
    ["standalone", () => ({ path: server.socket, connectTimeoutMs: 15_000 })],
    ["3-master cluster", () => ({ cluster: cluster.nodes, connectTimeoutMs: 15_000 })],
  ];
}
