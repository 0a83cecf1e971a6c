import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { describeSnapshotStorage } from "@stowage/conformance";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { createStorage } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import memoryDriver from "unstorage/drivers/memory";
import redisDriver from "unstorage/drivers/redis";
import { UnstorageStorage } from "../src/index.js";

// The basic-tier suite over the three drivers the issue names, each storage fresh and empty.

describeSnapshotStorage({ describe, it, afterEach }, {
  name: "UnstorageStorage (memory driver)",
  create: () => new UnstorageStorage(createStorage({ driver: memoryDriver() })),
  cleanup: (storage) => storage.storage.dispose(),
});

const folders = new Map<UnstorageStorage, string>();
describeSnapshotStorage({ describe, it, afterEach }, {
  name: "UnstorageStorage (fs driver)",
  create: () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "stowage-unstorage-fs-"));
    // `ignore: []`: the driver's default hides node_modules/ and .git/ from getKeys.
    const storage = new UnstorageStorage(fsDriver({ base, ignore: [] }));
    folders.set(storage, base);
    return storage;
  },
  cleanup: async (storage) => {
    await storage.storage.dispose();
    rmSync(folders.get(storage) as string, { recursive: true, force: true });
    folders.delete(storage);
  },
});

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
describeSnapshotStorage({ describe, it, afterEach }, {
  name: "UnstorageStorage (redis driver on redis-server)",
  // A base of its own per storage: every test starts empty on the one server.
  create: () => new UnstorageStorage(redisDriver({ host: redis.host, port: redis.port, base: randomUUID() })),
  cleanup: (storage) => storage.storage.dispose(),
});
