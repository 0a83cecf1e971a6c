// A child process: adds one uid `count` times, each with its own data, once the parent says go.
// node race-add.mjs <path> <storeId> <racer> <count>; prints {"won":n,"exists":n,"other":[...]}.
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { defineModel, isStowageError } from "@stowage/core";
import { SQLiteStore } from "../../dist/index.js";

class Lock extends defineModel()({ type: "lock", identifiers: ["name"], attributes: ["owner"] }) {}

const [path, storeId, racer, count] = process.argv.slice(2);
const store = new SQLiteStore({ path, storeId });
writeSync(1, "ready\n");
// Every racer waits for the same "go" line, so the adds really overlap.
for await (const line of createInterface({ input: process.stdin })) if (line === "go") break;

const result = { won: 0, exists: 0, other: [] };
for (let i = 0; i < Number(count); i++) {
  try {
    await store.add(new Lock({ name: "the-one", owner: `${racer}/${i}` }));
    result.won++;
  } catch (error) {
    if (isStowageError(error, "E_OBJECT_EXISTS")) result.exists++;
    else result.other.push(String(error));
  }
}
await store.close();
writeSync(1, `${JSON.stringify(result)}\n`);
