// An Adapter sync into SQLiteStore: families (a device and 4 interfaces) synced from a MemoryStore
// source, first into an empty file, then a change (10% of the families created, 10% deleted, 10%
// updated). SQLiteStore as it is (each batch of whole families one transaction, through
// commitTogether) against the same store committing each flush of the engine by itself (the
// behaviour before families were committed together) and against a MemoryStore destination.
// STOWAGE_BENCH_N: families (default 5,000, 25,000 objects; STOWAGE_BENCH_FULL=1: 20,000).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Adapter, MemoryStore, defineModel, joinUid } from "@stowage/core";
import { SQLiteStore } from "../dist/index.js";

const N = Number(process.env.STOWAGE_BENCH_N ?? (process.env.STOWAGE_BENCH_FULL === "1" ? 20_000 : 5_000));
const PORTS = 4;
const ROUNDS = 3;
const dir = mkdtempSync(join(tmpdir(), "stowage-sqlite-sync-bench-"));
let files = 0;

class Device extends defineModel()({ type: "device", identifiers: ["name"], attributes: ["site"], children: { interface: "interfaces" } }) {}
class Interface extends defineModel()({ type: "interface", identifiers: ["device", "name"], attributes: ["mtu"] }) {}
class Network extends Adapter {
  static models = [Device, Interface];
  static topLevel = ["device"];
}

/** The behaviour before: each flush of the engine's writes commits by itself. */
class FlushCommits extends SQLiteStore {
  commitTogether(work) {
    return work();
  }
}

/** Families [first, first + n); those below `changedBelow` have the changed site and MTU. */
function dict(first, n, changedBelow) {
  const device = {};
  const iface = {};
  for (let d = first; d < first + n; d++) {
    const name = `d${String(d).padStart(7, "0")}`;
    const changed = d < changedBelow;
    const uids = Array.from({ length: PORTS }, (_, p) => joinUid([name, `eth${p}`]));
    uids.forEach((uid, p) => (iface[uid] = { device: name, name: `eth${p}`, mtu: changed ? 9000 : 1500 }));
    device[name] = { name, site: changed ? "moved" : `site${d % 7}`, interfaces: uids };
  }
  return { device, interface: iface };
}

async function source(data) {
  const adapter = new Network({ name: "src" });
  await adapter.loadFromDict(data);
  return adapter;
}

const stores = {
  "SQLiteStore (families together)": () => new SQLiteStore({ path: join(dir, `sync-${files++}.db`) }),
  "SQLiteStore (a commit per flush)": () => new FlushCommits({ path: join(dir, `sync-${files++}.db`) }),
  MemoryStore: () => new MemoryStore(),
};

const tenth = N / 10;
const first = await source(dict(0, N, 0));
const change = await source(dict(tenth, N, 2 * tenth));
const results = Object.fromEntries(Object.keys(stores).map((name) => [name, { first: Infinity, change: Infinity }]));
let elements = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, create] of Object.entries(stores)) {
    const dest = new Network({ name: "dst", store: create() });
    globalThis.gc?.();
    let start = performance.now();
    const created = await dest.syncFrom(first);
    results[name].first = Math.min(results[name].first, performance.now() - start);
    globalThis.gc?.();
    start = performance.now();
    const changed = await dest.syncFrom(change);
    results[name].change = Math.min(results[name].change, performance.now() - start);
    if ((await dest.diffFrom(change)).hasDiffs()) throw new Error(`${name}: not in sync after the change`);
    elements = { first: created.size, change: changed.size };
    await dest.close();
  }
}
rmSync(dir, { recursive: true, force: true });

console.log(`Adapter syncFrom into SQLiteStore: ${N} families of 1 + ${PORTS} objects, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const base = results["SQLiteStore (a commit per flush)"];
console.log("destination                      | first sync µs/element | change sync µs/element | vs a commit per flush (first, change)");
for (const [name, result] of Object.entries(results)) {
  const us = (phase) => ((result[phase] * 1000) / elements[phase]).toFixed(2).padStart(8);
  console.log(`${name.padEnd(32)} | ${us("first")}              | ${us("change")}               | ${(base.first / result.first).toFixed(2)}x, ${(base.change / result.change).toFixed(2)}x`);
}
console.log(`(elements: first sync ${elements.first}, change sync ${elements.change}; best of ${ROUNDS} rounds)`);
