import { randomUUID } from "node:crypto";
import { describe, it } from "vitest";
import { describeAdapterSync } from "@stowage/conformance";
import { RedisStore } from "../src/index.js";
import { useTopologies } from "./topologies.js";

const topologies = useTopologies();

for (const [topology, connect] of topologies) {
  // Each store gets its own id: every test starts from an empty dataset on the shared server.
  describeAdapterSync({ describe, it }, {
    name: `RedisStore (${topology})`,
    createStore: () => new RedisStore({ ...connect(), storeId: randomUUID() }),
  });
}
