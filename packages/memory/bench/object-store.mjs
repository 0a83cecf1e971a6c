// MemoryStore against a plain Map holding the same objects: the cost of BaseStore's contract
// (validation on every write, model resolution, async calls) on 10,000 objects.
// Run: pnpm --filter @stowage/memory bench (after a build).
import { defineModel } from "@stowage/core";
import { MemoryStore } from "@stowage/memory";
import { measure, printComparison } from "@stowage/testkit/bench";

const COUNT = 10_000;
class Device extends defineModel()({
  type: "device",
  identifiers: ["site", "name"],
  attributes: ["role", "tags", "specs"],
}) {}
const devices = Array.from({ length: COUNT }, (_, i) =>
  new Device({ site: `s${i % 50}`, name: `d${i}`, role: i % 2 ? "edge" : "core", tags: ["a", "b"], specs: { ports: 48, poe: true } }),
);
const uids = devices.map((device) => device.getUniqueId()).reverse();

const store = new MemoryStore();
const map = new Map();
const rows = [
  {
    name: `add ${COUNT}`,
    subject: await measure(async () => {
      for (const device of devices) await store.add(device);
    }),
    baseline: await measure(async () => {
      for (const device of devices) if (!map.has(device.getUniqueId())) map.set(device.getUniqueId(), device);
    }),
    ops: COUNT,
  },
  {
    name: `getAll ${COUNT}`,
    subject: await measure(() => store.getAll(Device)),
    baseline: await measure(async () => [...map.values()]),
    ops: COUNT,
  },
  {
    name: `getByUids ${COUNT}`,
    subject: await measure(() => store.getByUids(uids, Device)),
    baseline: await measure(async () => uids.map((uid) => map.get(uid))),
    ops: COUNT,
  },
  {
    name: `update ${COUNT}`,
    subject: await measure(async () => {
      for (const device of devices) await store.update(device);
    }),
    baseline: await measure(async () => {
      for (const device of devices) map.set(device.getUniqueId(), device);
    }),
    ops: COUNT,
  },
];
printComparison("MemoryStore vs Map (same objects, same process)", rows);
