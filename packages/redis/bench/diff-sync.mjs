// Adapter diff/sync benchmark with a Redis destination (issue: diff/sync engine, "Scale"):
// 100,000 devices per side, 10% created, 10% updated, 10% deleted; source in memory, destination
// a RedisStore on one private redis-server (unix socket), each round on a fresh store id. The body
// is core's, shared by relative path: it is a bench helper, not part of any published package.
// STOWAGE_BENCH_N overrides the size (e.g. 10000 for a quick look).
import { randomUUID } from "node:crypto";
import { startRedis } from "@stowage/testkit/redis";
import { benchDiffSync } from "../../core/bench/diff-sync-bench.mjs";
import { RedisStore } from "../dist/index.js";

const n = Number(process.env.STOWAGE_BENCH_N ?? 100_000);
const server = await startRedis();
const opened = [];
try {
  await benchDiffSync({
    name: "memory -> redis (unix socket)",
    n,
    createDestStore: () => {
      const store = new RedisStore({ path: server.socket, storeId: randomUUID(), connectTimeoutMs: 15_000 });
      opened.push(store);
      return store;
    },
  });
} finally {
  await Promise.all(opened.map((store) => store.close()));
  await server.stop();
}
