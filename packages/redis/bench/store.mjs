// RedisStore benchmark: 100,000 small models through add, getAll, getByUids, count and remove on
// one private redis-server, against raw pipelined ioredis SET/MGET/DEL of the same JSON (the
// baseline), in the same process. Target: >= 0.8x of the baseline's speed.
import { Redis } from "ioredis";
import { defineModel } from "@stowage/core";
import { measure, printComparison } from "@stowage/testkit/bench";
import { startRedis } from "@stowage/testkit/redis";
import { RedisStore } from "../dist/index.js";

const N = 100_000;
const BATCH = 1000; // operations issued together (both sides)

class Device extends defineModel()({ type: "device", identifiers: ["name"], attributes: ["site", "role"] }) {}

const devices = Array.from({ length: N }, (_, i) => new Device({ name: `dev-${i}`, site: `site-${i % 50}`, role: "leaf" }));
const uids = devices.map((device) => device.getUniqueId());
const json = devices.map((device) => JSON.stringify(device.toJSON()));
const rawKeys = uids.map((uid) => `raw:device:${uid}`);

async function inBatches(count, work) {
  for (let first = 0; first < count; first += BATCH) await work(first, Math.min(first + BATCH, count));
}

const server = await startRedis();
const client = new Redis({ path: server.socket });
const store = new RedisStore({ path: server.socket, models: [Device] });
try {
  // Warm-up, untimed: JIT, script cache and allocator for both sides, on 10% of the data.
  const warm = devices.slice(0, N / 10);
  await Promise.all(warm.map((device) => store.add(device)));
  await store.getAll(Device);
  await Promise.all(warm.map((device) => store.remove(device)));
  await client.pipeline(warm.map((device, i) => ["set", rawKeys[i], json[i]])).exec();
  await client.mget(rawKeys.slice(0, warm.length));
  await client.del(rawKeys.slice(0, warm.length));

  const rows = [];
  const row = async (name, subject, baseline) => {
    const base = await measure(baseline);
    const ours = await measure(subject);
    rows.push({ name, subject: ours, baseline: base, ops: N, target: 0.8 });
  };

  await row(
    "add 100k",
    () => inBatches(N, (a, b) => Promise.all(devices.slice(a, b).map((device) => store.add(device)))),
    () => inBatches(N, (a, b) => {
      const pipeline = client.pipeline();
      for (let i = a; i < b; i++) pipeline.set(rawKeys[i], json[i]);
      return pipeline.exec();
    }),
  );
  let all = [];
  await row(
    "getAll 100k",
    async () => {
      all = await store.getAll(Device);
    },
    () => inBatches(N, (a, b) => client.mget(rawKeys.slice(a, b)).then((values) => values.map((value) => JSON.parse(value)))),
  );
  if (all.length !== N) throw new Error(`getAll returned ${all.length}`);
  await row(
    "getByUids 100k",
    () => store.getByUids(uids, Device),
    () => inBatches(N, (a, b) => client.mget(rawKeys.slice(a, b)).then((values) => values.map((value) => JSON.parse(value)))),
  );
  const counts = await measure(async () => {
    for (let i = 0; i < 100; i++) if ((await store.count(Device)) !== N) throw new Error("bad count");
  });
  const baseCounts = await measure(async () => {
    for (let i = 0; i < 100; i++) await client.dbsize();
  });
  rows.push({ name: "count x100 (vs DBSIZE)", subject: counts, baseline: baseCounts, ops: 100 });
  await row(
    "remove 100k",
    () => inBatches(N, (a, b) => Promise.all(devices.slice(a, b).map((device) => store.remove(device)))),
    () => inBatches(N, (a, b) => client.del(rawKeys.slice(a, b))),
  );
  if ((await store.count()) !== 0) throw new Error("remove left objects");
  printComparison("RedisStore vs raw pipelined ioredis SET/MGET/DEL (unix socket, 100,000 models)", rows);
} finally {
  client.disconnect();
  await store.close();
  await server.stop();
}
