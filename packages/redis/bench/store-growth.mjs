// RedisStore cost growth (issue 14, "Cost growth"): per-item time of addMany, getAll, getByUids and
// removeMany, and the client's heap after each phase, at 10k, 100k and 1M models of about 100 B on
// one private redis-server (unix socket), a fresh store per size. Flat per-item time and heap linear
// in the objects held are the targets; the last line gives the largest size's per-item time as a
// multiple of the smallest's.
// STOWAGE_BENCH_SIZES overrides the sizes (comma-separated), e.g. 10000,100000 for a quick look.
import { defineModel } from "@stowage/core";
import { mib } from "@stowage/testkit/bench";
import { startRedis } from "@stowage/testkit/redis";
import { RedisStore } from "../dist/index.js";

const SIZES = (process.env.STOWAGE_BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const BATCH = 1000;

class Device extends defineModel()({ type: "device", identifiers: ["name"], attributes: ["site", "role", "serial"] }) {}

const makeDevices = (count) =>
  Array.from({ length: count }, (_, i) => new Device({ name: `dev-${i}`, site: `site-${i % 50}`, role: "leaf", serial: `SN-${i * 7919}` }));

function heapUsed() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function perItem(count, work) {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / count;
}

async function inBatches(items, work) {
  for (let first = 0; first < items.length; first += BATCH) await work(items.slice(first, first + BATCH));
}

const server = await startRedis();
const rows = [];
try {
  let storeId = 0;
  // Untimed warm-up through every path (JIT, script cache), so the smallest size does not pay it.
  const warmStore = new RedisStore({ path: server.socket, storeId: "growth-warm", models: [Device] });
  const warm = makeDevices(Math.min(...SIZES, 10_000));
  await inBatches(warm, (batch) => warmStore.addMany(batch));
  await warmStore.getAll(Device);
  await inBatches(warm.map((device) => device.getUniqueId()), (batch) => warmStore.getByUids(batch, Device));
  await inBatches(warm, (batch) => warmStore.removeMany(batch));
  await warmStore.close();
  for (const size of SIZES) {
    const store = new RedisStore({ path: server.socket, storeId: `growth-${++storeId}`, models: [Device] });
    const base = heapUsed();
    const devices = makeDevices(size);
    const uids = devices.map((device) => device.getUniqueId());
    const held = heapUsed() - base;
    const add = await perItem(size, () => inBatches(devices, (batch) => store.addMany(batch)));
    let all = [];
    const getAll = await perItem(size, async () => {
      all = await store.getAll(Device);
    });
    if (all.length !== size) throw new Error(`getAll returned ${all.length} of ${size}`);
    const withAll = heapUsed() - base;
    all = [];
    const getByUids = await perItem(size, () => inBatches(uids, (batch) => store.getByUids(batch, Device)));
    const remove = await perItem(size, () => inBatches(devices, (batch) => store.removeMany(batch)));
    rows.push({ size, add, getAll, getByUids, remove, held, withAll });
    await store.close();
  }
} finally {
  await server.stop();
}

const ns = (value) => `${Math.round(value).toLocaleString("en").padStart(6)} ns`;
console.log("\n## RedisStore per-item time and client heap by size (flat time and linear heap are the targets)");
for (const row of rows) {
  console.log(
    `${row.size.toLocaleString("en").padStart(10)} models: addMany ${ns(row.add)} | getAll ${ns(row.getAll)} | getByUids ${ns(row.getByUids)} | removeMany ${ns(row.remove)} | heap: the models ${mib(row.held)}, with getAll's ${mib(row.withAll)} (${Math.round(row.withAll / row.size)} B per model)`,
  );
}
const [first, last] = [rows[0], rows.at(-1)];
if (first !== undefined && last !== undefined && last !== first) {
  const growth = (key) => `${key} ${(last[key] / first[key]).toFixed(2)}x`;
  console.log(`per-item time at ${last.size.toLocaleString("en")} as a multiple of ${first.size.toLocaleString("en")}: ${["add", "getAll", "getByUids", "remove"].map(growth).join(", ")} (target: about 1x)`);
}
