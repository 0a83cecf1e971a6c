// A child process: syncs the test network into a SQLiteStore file.
// node sync.mjs <path> <storeId> cut-transaction|rerun
// cut-transaction: runs the sync inside store.transaction(); after the second batch of adds was
// written, prints "cut" and blocks (without giving the event loop a turn) until the parent kills
// it with SIGKILL. rerun: syncs to the end, then prints a JSON report of the file's state.
import { writeSync } from "node:fs";
import { SQLiteStore } from "../../dist/index.js";
import { Device, Interface, Network, brokenFamilies, network } from "./network.mjs";

const [path, storeId, mode] = process.argv.slice(2);

class CuttingStore extends SQLiteStore {
  #adds = 0;
  async addMany(objs) {
    await super.addMany(objs);
    if (++this.#adds === 2) {
      writeSync(1, "cut\n");
      // Blocks this thread: no later write of the sync can run before the kill.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      throw new Error("the parent did not kill this process within 60 s");
    }
  }
}

const source = new Network({ name: "src" });
await source.loadFromDict(network());
const options = { path, storeId, models: [Device, Interface] };

if (mode === "rerun") {
  const store = new SQLiteStore(options);
  const before = { objects: await store.count(), brokenFamilies: await brokenFamilies(store) };
  const dest = new Network({ name: "dst", store });
  await dest.syncFrom(source);
  const diff = await dest.diffFrom(source);
  const report = {
    before,
    hasDiffs: diff.hasDiffs(),
    devices: await store.count(Device),
    interfaces: await store.count(Interface),
    brokenFamilies: await brokenFamilies(store),
  };
  await store.close();
  writeSync(1, `${JSON.stringify(report)}\n`);
} else {
  const store = new CuttingStore(options);
  const dest = new Network({ name: "dst", store });
  await store.transaction(() => dest.syncFrom(source));
  throw new Error("the sync was not cut");
}
