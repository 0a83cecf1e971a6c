// A child process: syncs a version of families.mjs's network into a SQLiteStore file.
// node families-sync.mjs <path> <storeId> v1|v2 <mode> [arg]
// full: syncs to the end, then prints {"hasDiffs":...,"devices":n,"interfaces":n}.
// after-write <n>: once the sync's n-th bulk write (addMany, updateMany, removeMany) returned,
//   prints "cut" and blocks (without giving the event loop a turn) until the parent kills it.
// at-element <fraction>: the same, once that fraction of the sync's elements is applied.
// anytime: prints "at <done>/<total>" each time another 5% of the elements are applied, and syncs
//   on; the parent kills it at a moment of its choosing (inside a statement, a commit...).
// Should the sync end before the cut, the last three print "done" and wait to be killed.
import { writeSync } from "node:fs";
import { SQLiteStore } from "../../dist/index.js";
import { networkVersion } from "./families.mjs";
import { Device, Interface, Network } from "./network.mjs";

const [path, storeId, version, mode, arg] = process.argv.slice(2);

function cut() {
  writeSync(1, "cut\n");
  // Blocks this thread: nothing more of the sync runs before the kill.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  throw new Error("the parent did not kill this process within 60 s");
}

class CuttingStore extends SQLiteStore {
  #writes = 0;
  async addMany(objs) {
    await super.addMany(objs);
    this.#wrote();
  }
  async updateMany(objs) {
    await super.updateMany(objs);
    this.#wrote();
  }
  async removeMany(objs) {
    await super.removeMany(objs);
    this.#wrote();
  }
  #wrote() {
    if (mode === "after-write" && ++this.#writes === Number(arg)) cut();
  }
}

const source = new Network({ name: "src" });
await source.loadFromDict(networkVersion(version));
const store = new CuttingStore({ path, storeId, models: [Device, Interface] });
const dest = new Network({ name: "dst", store });

let reported = 0;
function onProgress(stage, done, total) {
  if (stage !== "sync") return;
  if (mode === "anytime" && done >= reported + total / 20) {
    reported = done;
    writeSync(1, `at ${done}/${total}\n`);
  }
  if (mode === "at-element" && done >= Math.ceil(Number(arg) * total)) cut();
}

await dest.syncFrom(source, { onProgress });
if (mode === "full") {
  const report = {
    hasDiffs: (await dest.diffFrom(source)).hasDiffs(),
    devices: await store.count(Device),
    interfaces: await store.count(Interface),
  };
  await store.close();
  writeSync(1, `${JSON.stringify(report)}\n`);
} else {
  writeSync(1, "done\n");
  setInterval(() => undefined, 60_000);
}
