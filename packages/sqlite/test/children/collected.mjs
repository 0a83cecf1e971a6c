// A child process: opens and closes many SQLiteStores, then keeps allocating so the garbage
// collector runs (major collections included) over their better-sqlite3 Database and Statement
// objects, then prints "collected" and exits 0. An addon built so that collecting them aborts the
// process (node_object_wrap.h of Node >= 24.19, see scripts/runtimes.mjs) makes it die on a signal.
// node collected.mjs <path>
import { writeSync } from "node:fs";
import { SQLiteStore } from "../../dist/index.js";

const [path] = process.argv.slice(2);

for (let i = 0; i < 200; i++) {
  const store = new SQLiteStore({ path, storeId: `store-${i}` });
  await store.count();
  await store.close();
}
// Nothing refers to the stores any more; garbage many times the young generation's size forces
// scavenges and mark-compacts that collect them.
let kept = [];
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 200_000; i++) kept.push({ i, data: [i, i + 1] });
  kept = [];
  await new Promise((resolve) => setImmediate(resolve));
}
writeSync(1, "collected\n");
