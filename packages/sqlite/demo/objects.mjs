// The object-store half of `pnpm demo` (scripts/demo.sh), with no server: a diffsync-style load of
// two sources, the diff between them, and a sync into a SQLiteStore file that a second run finds
// already up to date. Usage: node packages/sqlite/demo/objects.mjs <objects.db>
import { Adapter, defineModel, joinUid } from "@stowage/core";
import { SQLiteStore } from "@stowage/sqlite";

class Device extends defineModel()({ type: "device", identifiers: ["name"], attributes: ["site", "role"], children: { interface: "interfaces" } }) {}
class Interface extends defineModel()({ type: "interface", identifiers: ["device", "name"], attributes: ["mtu"] }) {}

class Network extends Adapter {
  static models = [Device, Interface];
  static topLevel = ["device"];
}

/** A network as an AdapterDict: devices (name, site, role) with their interfaces (name -> mtu). */
function dict(devices) {
  const data = { device: {}, interface: {} };
  for (const [name, site, role, interfaces] of devices) {
    const uids = Object.entries(interfaces).map(([iface, mtu]) => {
      const uid = joinUid([name, iface]);
      data.interface[uid] = { device: name, name: iface, mtu };
      return uid;
    });
    data.device[name] = { name, site, role, interfaces: uids };
  }
  return data;
}

// Two sources, as diffsync loads them: what the inventory says, and what the network runs.
const inventory = new Network({ name: "inventory" });
await inventory.loadFromDict(dict([
  ["core1", "paris", "core", { eth0: 9000, eth1: 9000 }],
  ["edge1", "paris", "edge", { eth0: 1500 }],
  ["edge2", "lyon", "edge", { eth0: 1500, eth1: 1500 }],
]));
const live = new Network({ name: "live" });
await live.loadFromDict(dict([
  ["core1", "paris", "core", { eth0: 9000, eth1: 1500 }],
  ["edge1", "paris", "edge", { eth0: 1500 }],
  ["old1", "lyon", "edge", { eth0: 1500 }],
]));
const drift = await live.diffFrom(inventory);
console.log("\n$ live.diffFrom(inventory)  # what the network lacks, in diffsync's notation");
console.log(drift.str());
console.log(drift.summary());

// The inventory, persisted: synced into one SQLite file (a second run finds nothing to do). Each
// family (a device and its interfaces) commits whole: a run killed midway leaves none half written.
const store = new SQLiteStore({ path: process.argv[2] ?? "objects.db", storeId: "inventory" });
const saved = new Network({ name: "saved", store });
const applied = await saved.syncFrom(inventory);
const summary = applied.summary();
console.log(`\n$ saved.syncFrom(inventory)  # into ${store.path}`);
console.log(summary);
console.log(applied.hasDiffs() ? `synced: ${summary.create} created, ${summary.update} updated, ${summary.delete} deleted` : "nothing to do: the file already matches the inventory");
console.log(`stored: ${await saved.count("device")} devices, ${await saved.count("interface")} interfaces`);
await saved.close();
