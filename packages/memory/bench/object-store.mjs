// MemoryStore benchmark (issue 14). diffsync is not installable here (no PyPI) and no figures of
// its LocalStore were recorded, so there are two baselines: diffsync's LocalStore copied method
// for method into bench/local-store.py and run by python3 on the same objects and phases (in a
// child process, when python3 is on PATH), and the same data structure re-implemented in JS (a
// dict of dicts: model name -> uid -> object), synchronous like the original: a far stricter bar.
// Plus a raw Map for add and get.
// Targets: every phase at least as fast as LocalStore; add and get within 3x a raw Map (ratio >= 0.33).
// Then per-item time of add, get and getAll from 10k to 1M objects (flat is the target).
// STOWAGE_BENCH_N: objects in the comparison (default 100,000); STOWAGE_BENCH_SIZES: the growth
// sizes, comma-separated (default 10000,100000,1000000).
// Run: pnpm --filter @stowage/memory bench (after a build).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineModel } from "@stowage/core";
import { MemoryStore } from "@stowage/core";
import { measure, printComparison } from "@stowage/testkit/bench";

const N = Number(process.env.STOWAGE_BENCH_N ?? 100_000);
const SIZES = (process.env.STOWAGE_BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);

class Device extends defineModel()({
  type: "device",
  identifiers: ["site", "name"],
  attributes: ["role", "tags", "specs"],
}) {}

const make = (count) =>
  Array.from({ length: count }, (_, i) =>
    new Device({ site: `s${i % 50}`, name: `d${i}`, role: i % 2 ? "edge" : "core", tags: ["a", "b"], specs: { ports: 48, poe: true } }),
  );

/** diffsync's LocalStore (store/local.py), method for method, on Maps (Python dicts keep insertion order). */
class LocalStore {
  #data = new Map();
  add(obj) {
    const modelname = obj.getType();
    const uid = obj.getUniqueId();
    let bucket = this.#data.get(modelname);
    if (bucket === undefined) this.#data.set(modelname, (bucket = new Map()));
    const existing = bucket.get(uid);
    if (existing !== undefined) {
      if (existing !== obj) throw new Error(`Object ${uid} already present`);
      return;
    }
    bucket.set(uid, obj);
  }
  update(obj) {
    let bucket = this.#data.get(obj.getType());
    if (bucket === undefined) this.#data.set(obj.getType(), (bucket = new Map()));
    bucket.set(obj.getUniqueId(), obj);
  }
  get(modelname, uid) {
    const obj = this.#data.get(modelname)?.get(uid);
    if (obj === undefined) throw new Error(`${modelname} ${uid} not present`);
    return obj;
  }
  getAll(modelname) {
    return [...(this.#data.get(modelname)?.values() ?? [])];
  }
  getByUids(uids, modelname) {
    return uids.map((uid) => this.get(modelname, uid));
  }
  count(modelname) {
    if (modelname !== undefined) return this.#data.get(modelname)?.size ?? 0;
    let total = 0;
    for (const bucket of this.#data.values()) total += bucket.size;
    return total;
  }
  remove(obj) {
    if (!this.#data.get(obj.getType())?.delete(obj.getUniqueId())) throw new Error("not present");
  }
}

const devices = make(N);
const uids = devices.map((device) => device.getUniqueId()).reverse();

// Warm-up, untimed, on a tenth.
{
  const warm = devices.slice(0, N / 10);
  const store = new MemoryStore();
  const local = new LocalStore();
  for (const device of warm) {
    await store.add(device);
    local.add(device);
  }
  await store.getAll(Device);
  local.getAll("device");
}

const store = new MemoryStore();
const local = new LocalStore();
const map = new Map();
const rows = [];
const row = async (name, subject, baseline, target, ops = N) => rows.push({ name, subject: await measure(subject), baseline: await measure(baseline), ops, target });

await row(`add ${N}`, async () => {
  for (const device of devices) await store.add(device);
}, async () => {
  for (const device of devices) local.add(device);
}, 1);
await row(`get ${N} (one by one)`, async () => {
  for (const uid of uids) await store.get(Device, uid);
}, async () => {
  for (const uid of uids) local.get("device", uid);
}, 1);
// getAll is short (one array): 20 rounds, so one preemption on a busy machine does not decide it.
const ROUNDS = 20;
await row(`getAll ${N} x${ROUNDS}`, async () => {
  for (let i = 0; i < ROUNDS; i++) await store.getAll(Device);
}, async () => {
  for (let i = 0; i < ROUNDS; i++) local.getAll("device");
}, 1, N * ROUNDS);
await row(`getByUids ${N}`, () => store.getByUids(uids, Device), async () => local.getByUids(uids, "device"), 1);
await row(`count x${N}`, async () => {
  for (let i = 0; i < N; i++) await store.count(Device);
}, async () => {
  for (let i = 0; i < N; i++) local.count("device");
}, 1);
await row(`update ${N}`, async () => {
  for (const device of devices) await store.update(device);
}, async () => {
  for (const device of devices) local.update(device);
}, 1);
await row(`remove ${N}`, async () => {
  for (const device of devices) await store.remove(device);
}, async () => {
  for (const device of devices) local.remove(device);
}, 1);
printComparison(`MemoryStore vs diffsync's LocalStore re-implemented in JS (synchronous, Maps), ${N.toLocaleString("en")} objects`, rows);

const python = spawnSync("python3", [fileURLToPath(new URL("local-store.py", import.meta.url)), String(N)], { encoding: "utf8" });
if (python.status === 0) {
  const times = JSON.parse(python.stdout);
  const phases = ["add", "get", "getAll", "getByUids", "count", "update", "remove"];
  printComparison(
    `MemoryStore vs diffsync's LocalStore in Python ${spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout.trim()} (bench/local-store.py, same phases, ${N.toLocaleString("en")} objects)`,
    rows.map((row, index) => ({ ...row, baseline: { ms: times[phases[index]], peakRssGrowth: 0 } })),
  );
} else {
  console.log(`\n(python3 not available: no comparison with diffsync's LocalStore in Python: ${python.error?.message ?? python.stderr})`);
}

const again = new MemoryStore();
const raw = [];
raw.push({
  name: `add ${N}`,
  subject: await measure(async () => {
    for (const device of devices) await again.add(device);
  }),
  baseline: await measure(async () => {
    for (const device of devices) if (!map.has(device.getUniqueId())) map.set(device.getUniqueId(), device);
  }),
  ops: N,
  target: 0.33,
});
raw.push({
  name: `get ${N} (one by one)`,
  subject: await measure(async () => {
    for (const uid of uids) await again.get(Device, uid);
  }),
  // The found check is what get does (a miss throws); it also keeps the lookup from being optimised away.
  baseline: await measure(async () => {
    for (const uid of uids) if (map.get(uid) === undefined) throw new Error(`${uid} not found`);
  }),
  ops: N,
  target: 0.33,
});
// Not a target: the floor of any promise-returning get called one await at a time, as above.
raw.push({
  name: `(floor) raw Map get, awaited`,
  subject: await measure(async () => {
    for (const uid of uids) await again.get(Device, uid);
  }),
  baseline: await measure(async () => {
    for (const uid of uids) if ((await map.get(uid)) === undefined) throw new Error(`${uid} not found`);
  }),
  ops: N,
});
printComparison("MemoryStore vs a raw Map (same objects; target: within 3x; the last row, a raw Map get behind one await, shows the floor of an awaited call)", raw);

// Cost growth: per-item time from the smallest to the largest size, each on a fresh store.
console.log("\n## MemoryStore per-item time by size (flat is the target; a raw Map's beside it)");
for (const size of SIZES) {
  const objects = size === N ? devices : make(size);
  const ids = objects.map((obj) => obj.getUniqueId());
  const grown = new MemoryStore();
  const add = await measure(async () => {
    for (const obj of objects) await grown.add(obj);
  });
  const get = await measure(async () => {
    for (const uid of ids) await grown.get(Device, uid);
  });
  const all = await measure(() => grown.getAll(Device));
  // The same on a raw Map, so growth that the Map itself shows (caches, GC) is told apart.
  const rawMap = new Map();
  const rawAdd = await measure(async () => {
    for (const obj of objects) if (!rawMap.has(obj.getUniqueId())) rawMap.set(obj.getUniqueId(), obj);
  });
  const rawGet = await measure(async () => {
    for (const uid of ids) if (rawMap.get(uid) === undefined) throw new Error(`${uid} not found`);
  });
  const ns = (m) => `${((m.ms * 1e6) / size).toFixed(0)} ns`.padStart(8);
  console.log(
    `${size.toLocaleString("en").padStart(10)} objects: add ${ns(add)}/item | get ${ns(get)}/item | getAll ${ns(all)}/item | raw Map: add ${ns(rawAdd)}/item, get ${ns(rawGet)}/item`,
  );
}
