import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, syncStorages } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { RedisStorage, type RedisStorageOptions } from "../src/index.js";
import { spyOnCommands } from "./command-spy.js";
import { syncScaleBehaviour } from "./sync-scale-behaviour.js";
import { useTopologies } from "./topologies.js";

const topologies = useTopologies();
let other: RedisServer;
beforeAll(async () => {
  other = await startRedis();
});
afterAll(() => other?.stop());

for (const [topology, connect] of topologies) {
  describe(`RedisStorage streamList, mtimes and native sync copies (${topology})`, () => {
    syncScaleBehaviour(connect);
  });
}

describe("RedisStorage native copies between servers", () => {
  const open = (options: RedisStorageOptions) => new RedisStorage({ connectTimeoutMs: 15_000, namespace: randomUUID(), ...options });

  it("offers no copier for a storage on another server, another database or another topology", async () => {
    const [[, standalone], [, cluster]] = topologies as [[string, () => RedisStorageOptions], [string, () => RedisStorageOptions]];
    const storages = [open(standalone()), open({ path: other.socket }), open(cluster()), open({ ...standalone(), db: 1 }), open(standalone())];
    try {
      const [here, elsewhere, onCluster, otherDb, sameServer] = storages as [RedisStorage, RedisStorage, RedisStorage, RedisStorage, RedisStorage];
      expect(here.syncCopier(sameServer)).toBeDefined();
      expect(here.syncCopier(elsewhere)).toBeUndefined();
      expect(elsewhere.syncCopier(here)).toBeUndefined();
      expect(here.syncCopier(onCluster)).toBeUndefined();
      expect(onCluster.syncCopier(here)).toBeUndefined();
      expect(here.syncCopier(otherDb)).toBeUndefined();
      // Streamed instead, carrying the mtime all the same.
      const mtime = new Date("2022-02-02T02:02:02.002Z");
      await here.write("x/f", "far away", { mtime });
      expect(await syncStorages(here, "x", elsewhere, "y")).toMatchObject({ copied: 1, bytesCopied: 8 });
      expect((await collectBytes(await elsewhere.read("y/f"))).toString()).toBe("far away");
      expect((await elsewhere.stat("y/f")).mtime).toEqual(mtime);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
  });

  it("streams the copies when the server refuses COPY, and offers no copier after that", async () => {
    // An ACL without COPY stands in for a server older than 6.2: the same refusal, by a real server.
    const admin = new Redis({ path: other.socket });
    await admin.acl("SETUSER", "nocopy", "on", "nopass", "~*", "+@all", "-copy");
    const source = open({ url: other.url });
    const target = open({ url: `redis://nocopy:unused@${other.host}:${other.port}` });
    try {
      const mtime = new Date("2018-08-08T08:08:08.008Z");
      await source.write("x/a", "one", { mtime });
      await source.write("x/b", "two", { mtime });
      expect(target.syncCopier(source)).toBeDefined();
      const spy = spyOnCommands(target.client);
      const report = await syncStorages(source, "x", target, "y", { concurrency: 1 });
      spy.restore();
      expect(report).toMatchObject({ copied: 2, bytesCopied: 6 });
      expect(spy.names().filter((name) => name === "copy")).toHaveLength(1);
      expect((await collectBytes(await target.read("y/b"))).toString()).toBe("two");
      expect((await target.stat("y/a")).mtime).toEqual(mtime);
      expect(target.syncCopier(source)).toBeUndefined();
    } finally {
      await Promise.all([source.close(), target.close()]);
      admin.disconnect();
    }
  });
});
