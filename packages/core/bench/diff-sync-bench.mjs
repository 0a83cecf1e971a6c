// The diff/sync benchmark body, parameterised by store factory so other packages can run it on
// their stores (e.g. `benchDiffSync({ name: "memory -> redis", createDestStore: () => new RedisStore(...) })`).
//
// Data: N devices per side. The destination holds ids [0, N); the source ids [N/10, N + N/10):
// 10% of the objects are created, 10% deleted, and 10% (ids [N/10, 2N/10)) updated.
// Baseline: the same job done by hand, the way a diff is written without an engine: both sides
// loaded into Maps, compared, then the changes applied with direct store calls.
import { measure, mib, printComparison } from "@stowage/testkit/bench";
import { Adapter, MemoryStore, defineModel } from "../dist/index.js";

export class Device extends defineModel()({
  type: "device",
  identifiers: ["name"],
  attributes: ["site", "role", "serial"],
}) {}

class Inventory extends Adapter {
  static models = [Device];
  static topLevel = ["device"];
}

/** Live heap after a full GC. A tick first: a finished async call chain is released only then. */
const heap = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

function device(i, updated) {
  return new Device({ name: `dev-${String(i).padStart(7, "0")}`, site: `site-${i % 50}`, role: updated ? "spine" : "leaf", serial: `SN${i * 7919}` });
}

async function load(name, store, first, count, updatedBelow) {
  const adapter = new Inventory({ name, store });
  for (let i = first; i < first + count; i++) await adapter.add(device(i, i < updatedBelow));
  return adapter;
}

/** Loads a source and a destination as described above. */
async function datasets(n, createSourceStore, createDestStore) {
  const tenth = n / 10;
  const source = await load("source", await createSourceStore(), tenth, n, 2 * tenth);
  const dest = await load("dest", await createDestStore(), 0, n, 0);
  return { source, dest };
}

async function byHand(source, dest) {
  const src = new Map();
  for await (const obj of source.iterate("device")) src.set(obj.getUniqueId(), obj);
  const dst = new Map();
  for await (const obj of dest.iterate("device")) dst.set(obj.getUniqueId(), obj);
  const creates = [];
  const updates = [];
  const deletes = [];
  for (const [uid, obj] of src) {
    const other = dst.get(uid);
    if (other === undefined) creates.push(obj);
    else if (JSON.stringify(obj.getAttrs()) !== JSON.stringify(other.getAttrs())) updates.push([other, obj.getAttrs()]);
  }
  for (const [uid, obj] of dst) if (!src.has(uid)) deletes.push(obj);
  return { creates, updates, deletes };
}

async function applyByHand(dest, { creates, updates, deletes }) {
  for (const obj of creates) await dest.add(new Device(obj.toJSON().fields));
  for (const [obj, attrs] of updates) await dest.update(obj.setAttrs(attrs));
  for (const obj of deletes) await dest.remove(obj);
}

/**
 * Runs the benchmark: diff and sync of `n` objects per side, engine against by-hand, and prints
 * times, peak RSS growth, and the heap the datasets and the diff hold.
 */
export async function benchDiffSync({
  name = "memory -> memory",
  n = 100_000,
  createSourceStore = () => new MemoryStore(),
  createDestStore = () => new MemoryStore(),
} = {}) {
  // Warm-up on a tenth of the data, so neither side is measured while the JIT is still cold.
  await runOnce(n / 10, createSourceStore, createDestStore);
  const { engineDiff, baseDiff, engineSync, baseSync, footprint, diffHeap } = await runOnce(n, createSourceStore, createDestStore);

  printComparison(`Adapter diff and sync, ${n.toLocaleString("en")} objects per side, ${name} (baseline: Maps + direct store calls)`, [
    { name: "diffFrom", subject: engineDiff, baseline: baseDiff, ops: 2 * n },
    { name: "syncFrom (diff + apply)", subject: engineSync, baseline: baseSync, ops: 2 * n },
  ]);
  console.log(`datasets' heap (both sides): ${mib(footprint)}; heap the finished diff holds: ${mib(diffHeap)}`);
  // With in-memory stores every await resolves as a microtask, so the RSS sampler (a timer) cannot
  // run during the work: the retained heap above is the reliable memory figure there.
  console.log(
    `peak RSS growth / datasets' heap: diffFrom ${(engineDiff.peakRssGrowth / footprint).toFixed(2)}x, ` +
      `syncFrom ${(engineSync.peakRssGrowth / footprint).toFixed(2)}x (by hand: ${(baseDiff.peakRssGrowth / footprint).toFixed(2)}x, ` +
      `${(baseSync.peakRssGrowth / footprint).toFixed(2)}x)`,
  );
}

/** One measured round: diff and sync, engine and by hand; checks the results. */
async function runOnce(n, createSourceStore, createDestStore) {
  const tenth = n / 10;
  const expected = JSON.stringify({ create: tenth, update: tenth, delete: tenth, "no-change": n - 2 * tenth, skip: 0 });

  const before = await heap();
  let pair = await datasets(n, createSourceStore, createDestStore);
  const footprint = (await heap()) - before;

  const baseDiff = await measure(() => byHand(pair.source, pair.dest));
  let diff;
  const engineDiff = await measure(async () => {
    diff = await pair.dest.diffFrom(pair.source);
  });
  if (JSON.stringify(diff.summary()) !== expected) throw new Error(`unexpected summary ${JSON.stringify(diff.summary())}`);
  const withDiff = await heap();
  diff = undefined;
  const diffHeap = withDiff - (await heap());

  const baseSync = await measure(async () => applyByHand(pair.dest, await byHand(pair.source, pair.dest)));
  await Promise.all([pair.source.close(), pair.dest.close()]);
  pair = undefined;
  pair = await datasets(n, createSourceStore, createDestStore);
  const engineSync = await measure(() => pair.dest.syncFrom(pair.source));
  const after = await pair.dest.diffFrom(pair.source);
  if (after.hasDiffs()) throw new Error("a fresh diff after the sync is not empty");
  await Promise.all([pair.source.close(), pair.dest.close()]);
  return { engineDiff, baseDiff, engineSync, baseSync, footprint, diffHeap };
}
