// RedisStore benchmark (issue 14): N small models (about 100 B of JSON each) on one private
// redis-server (unix socket), in batches of 1,000, against raw ioredis (the baseline) and keyv +
// @keyv/redis, in the same process. Prints every ratio the targets name:
// - add (per-object calls issued together, and addMany) >= 0.8x raw pipelined SET, and vs keyv setMany;
// - getAll >= 0.8x raw SCAN + MGET + JSON.parse; getByUids >= 0.9x raw MGET + JSON.parse;
// - remove (and removeMany) >= 0.5x raw batched DEL, and vs keyv deleteMany;
// - one awaited add at a time >= 0.9x one awaited raw SET (best of 3 alternating runs, as count);
// - Redis memory (INFO used_memory growth) <= 1.3x raw's for the same objects.
// STOWAGE_BENCH_N overrides N (e.g. 10000 for a quick look).
import KeyvRedis from "@keyv/redis";
import { Redis } from "ioredis";
import Keyv from "keyv";
import { defineModel } from "@stowage/core";
import { measure, mib, printComparison } from "@stowage/testkit/bench";
import { startRedis } from "@stowage/testkit/redis";
import { RedisStore } from "../dist/index.js";

const N = Number(process.env.STOWAGE_BENCH_N ?? 100_000);
const BATCH = 1000; // operations issued together (every side)
const SEQUENTIAL = Math.min(N, 5000); // one awaited call at a time
const ROUNDS = 3; // alternating runs of the latency rows (one at a time, count), best of each side

class Device extends defineModel()({ type: "device", identifiers: ["name"], attributes: ["site", "role", "serial"] }) {}

const devices = Array.from({ length: N }, (_, i) => new Device({ name: `dev-${i}`, site: `site-${i % 50}`, role: "leaf", serial: `SN-${i * 7919}` }));
const uids = devices.map((device) => device.getUniqueId());
const json = devices.map((device) => JSON.stringify(device.toJSON()));
const rawKeys = uids.map((uid) => `raw:device:${uid}`);

async function inBatches(count, work) {
  for (let first = 0; first < count; first += BATCH) await work(first, Math.min(first + BATCH, count));
}

/** Raw SCAN + MGET of every `raw:*` key, parsed: the raw side of getAll. */
async function rawScanAll(client) {
  const values = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", "raw:*", "COUNT", BATCH);
    cursor = next;
    if (keys.length > 0) for (const value of await client.mget(keys)) if (value !== null) values.push(JSON.parse(value));
  } while (cursor !== "0");
  return values;
}

const rawAdd = (client) => inBatches(N, (a, b) => {
  const pipeline = client.pipeline();
  for (let i = a; i < b; i++) pipeline.set(rawKeys[i], json[i]);
  return pipeline.exec();
});
const rawDelete = (client) => inBatches(N, (a, b) => client.del(rawKeys.slice(a, b)));

/**
 * Runs subject and baseline alternately, ROUNDS times each, with `reset` (untimed) after each
 * subject run; resolves each side's fastest measurement.
 */
async function alternate(subject, baseline, reset = async () => undefined) {
  let best = [undefined, undefined];
  for (let round = 0; round < ROUNDS; round++) {
    const subjectRun = await measure(subject);
    await reset();
    const run = [subjectRun, await measure(baseline)];
    best = best.map((kept, side) => (kept === undefined || run[side].ms < kept.ms ? run[side] : kept));
  }
  return best;
}

async function usedMemory(client) {
  const info = await client.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

const server = await startRedis();
const client = new Redis({ path: server.socket });
const keyv = new Keyv({ store: new KeyvRedis({ socket: { path: server.socket } }), namespace: "keyv" });
let storeId = 0;
const newStore = () => new RedisStore({ path: server.socket, storeId: `bench-${++storeId}`, models: [Device] });
let store = newStore();
try {
  // Warm-up, untimed: JIT, script cache and allocator for every side, on 10% of the data, through
  // every path timed below (a path first run in its timed phase measured its JIT compile).
  const warm = devices.slice(0, Math.ceil(N / 10));
  const half = Math.ceil(warm.length / 2);
  await Promise.all(warm.map((device) => store.add(device)));
  await store.getAll(Device);
  await store.getByUids(uids.slice(0, warm.length), Device);
  await store.count(Device);
  await Promise.all(warm.slice(0, half).map((device) => store.remove(device)));
  await store.removeMany(warm.slice(half));
  await store.addMany(warm);
  await store.removeMany(warm);
  for (const device of warm.slice(0, 200)) await store.add(device);
  await store.removeMany(warm.slice(0, 200));
  for (let i = 0; i < 200; i++) await client.set(rawKeys[i], json[i]);
  await client.pipeline(warm.map((_, i) => ["set", rawKeys[i], json[i]])).exec();
  await client.mget(rawKeys.slice(0, warm.length));
  await client.del(rawKeys.slice(0, warm.length));
  await keyv.setMany(warm.map((_, i) => ({ key: uids[i], value: json[i] })));
  await keyv.deleteMany(uids.slice(0, warm.length));

  const rows = [];
  const vsKeyv = [];

  // add: raw pipelined SET, keyv setMany, RedisStore add (calls issued together) and addMany.
  const rawAddTime = await measure(() => rawAdd(client));
  const keyvAdd = await measure(() => inBatches(N, (a, b) => keyv.setMany(json.slice(a, b).map((value, j) => ({ key: uids[a + j], value })))));
  const memoryBefore = await usedMemory(client);
  await rawDelete(client);
  const memoryEmpty = await usedMemory(client);
  const rawMemory = memoryBefore - memoryEmpty;
  const addTime = await measure(() => inBatches(N, (a, b) => Promise.all(devices.slice(a, b).map((device) => store.add(device)))));
  const storeMemory = (await usedMemory(client)) - memoryEmpty;
  rows.push({ name: `add ${N} (add x1000 together)`, subject: addTime, baseline: rawAddTime, ops: N, target: 0.8 });
  vsKeyv.push({ name: `add ${N} (vs keyv setMany)`, subject: addTime, baseline: keyvAdd, ops: N, target: 1 });
  await rawAdd(client);

  // Reads.
  let all = [];
  rows.push({
    name: `getAll ${N}`,
    subject: await measure(async () => (all = await store.getAll(Device))),
    baseline: await measure(() => rawScanAll(client)),
    ops: N,
    target: 0.8,
  });
  if (all.length !== N) throw new Error(`getAll returned ${all.length}`);
  const rawMget = () => inBatches(N, (a, b) => client.mget(rawKeys.slice(a, b)).then((values) => values.map((value) => JSON.parse(value))));
  rows.push({ name: `getByUids ${N}`, subject: await measure(() => store.getByUids(uids, Device)), baseline: await measure(rawMget), ops: N, target: 0.9 });
  const [counts, baseCounts] = await alternate(
    async () => {
      for (let i = 0; i < 100; i++) if ((await store.count(Device)) !== N) throw new Error("bad count");
    },
    async () => {
      for (let i = 0; i < 100; i++) await client.dbsize();
    },
  );
  rows.push({ name: "count x100 (vs DBSIZE)", subject: counts, baseline: baseCounts, ops: 100 });

  // remove: raw batched DEL, keyv deleteMany, RedisStore remove (issued together) and removeMany.
  const rawDel = await measure(() => rawDelete(client));
  const keyvDel = await measure(() => inBatches(N, (a, b) => keyv.deleteMany(uids.slice(a, b))));
  const removeTime = await measure(() => inBatches(N, (a, b) => Promise.all(devices.slice(a, b).map((device) => store.remove(device)))));
  if ((await store.count()) !== 0) throw new Error("remove left objects");
  rows.push({ name: `remove ${N} (remove x1000 together)`, subject: removeTime, baseline: rawDel, ops: N, target: 0.5 });
  vsKeyv.push({ name: `remove ${N} (vs keyv deleteMany)`, subject: removeTime, baseline: keyvDel, ops: N, target: 1 });

  // The bulk API, on a fresh store id.
  await store.close();
  store = newStore();
  await rawAdd(client);
  const rawAddAgain = await measure(() => rawAdd(client));
  const addManyTime = await measure(() => inBatches(N, (a, b) => store.addMany(devices.slice(a, b))));
  rows.push({ name: `addMany ${N} (x1000)`, subject: addManyTime, baseline: rawAddAgain, ops: N, target: 0.8 });
  const rawDelAgain = await measure(() => rawDelete(client));
  const removeManyTime = await measure(() => inBatches(N, (a, b) => store.removeMany(devices.slice(a, b))));
  rows.push({ name: `removeMany ${N} (x1000)`, subject: removeManyTime, baseline: rawDelAgain, ops: N, target: 0.5 });
  vsKeyv.push({ name: `addMany ${N} (vs keyv setMany)`, subject: addManyTime, baseline: keyvAdd, ops: N, target: 1 });
  vsKeyv.push({ name: `removeMany ${N} (vs keyv deleteMany)`, subject: removeManyTime, baseline: keyvDel, ops: N, target: 1 });

  // One awaited call at a time.
  // Round trips dominate here, and a loaded machine delays some more than others: alternate the
  // two sides and keep each one's best run. Every round adds: the objects are removed in between.
  const [addOne, rawOne] = await alternate(
    async () => {
      for (let i = 0; i < SEQUENTIAL; i++) await store.add(devices[i]);
    },
    async () => {
      for (let i = 0; i < SEQUENTIAL; i++) await client.set(rawKeys[i], json[i]);
    },
    () => store.removeMany(devices.slice(0, SEQUENTIAL)),
  );
  rows.push({ name: `add one at a time x${SEQUENTIAL}`, subject: addOne, baseline: rawOne, ops: SEQUENTIAL, target: 0.9 });

  printComparison(`RedisStore vs raw ioredis (unix socket, ${N.toLocaleString("en")} models of ~${Math.round(json.reduce((n, s) => n + s.length, 0) / N)} B, batches of ${BATCH})`, rows);
  printComparison("RedisStore vs keyv + @keyv/redis (same server, same values)", vsKeyv);
  const memoryRatio = storeMemory / rawMemory;
  console.log(`Redis used_memory growth for ${N} objects: RedisStore ${mib(storeMemory)}, raw SET ${mib(rawMemory)}: ${memoryRatio.toFixed(2)}x (target <= 1.3x)`);
} finally {
  client.disconnect();
  await keyv.disconnect().catch(() => undefined);
  await store.close();
  await server.stop();
}
