import { randomUUID } from "node:crypto";
import { afterEach, describe, it } from "vitest";
import { describeAdvancedSnapshotStorage, describeObjectStore } from "@stowage/conformance";
import { RedisStorage, RedisStore } from "../src/index.js";
import { stagedDebris } from "./staged-debris.js";
import { useTopologies } from "./topologies.js";

const topologies = useTopologies();

for (const [topology, connect] of topologies) {
  describeAdvancedSnapshotStorage({ describe, it, afterEach }, {
    name: `RedisStorage (${topology})`,
    create: () => new RedisStorage({ ...connect(), namespace: randomUUID() }),
    cleanup: (storage) => storage.close(),
    debris: stagedDebris,
  });

  describeObjectStore({ describe, it }, {
    name: `RedisStore (${topology})`,
    create: () => new RedisStore({ ...connect(), storeId: randomUUID() }),
    // A second, independent client on the same dataset, as another process would open it.
    reopen: (store) => new RedisStore({ ...connect(), storeId: store.storeId }),
  });
}
