import { randomUUID } from "node:crypto";
import { Adapter, joinUid, type AdapterDict, type ObjectModel } from "@stowage/core";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "ioredis";
import { RedisStore, type RedisStoreOptions } from "../src/index.js";
import { StoreKeys, shardOf } from "../src/store-keys.js";
import { Device, Interface } from "./models.js";

/*
 * Issue 20: SIGKILL of redis-server while a write batch of syncFrom is in flight, then a restart
 * with its persisted data (appendfsync always: the restarted server has exactly the writes it
 * acknowledged), left families half written: children no parent lists, parents listing children
 * that were never stored. Every later syncFrom failed ("... is not in the store", "... it already
 * exists"). A re-run of the same sync from a fresh instance must converge.
 */

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

const DEVICES = 300;
const INTERFACES = 4;

/** 300 devices with 4 interfaces each: 1500 objects, more than one batch of the sync's writes (1000). */
function network(): AdapterDict {
  const device: AdapterDict[string] = {};
  const iface: AdapterDict[string] = {};
  for (let d = 0; d < DEVICES; d++) {
    const name = `r${String(d).padStart(3, "0")}`;
    const uids: string[] = [];
    for (let i = 0; i < INTERFACES; i++) {
      const uid = joinUid([name, `eth${i}`]);
      uids.push(uid);
      iface[uid] = { device: name, name: `eth${i}`, mtu: 1500 + i };
    }
    device[name] = { name, site: `site${d % 7}`, interfaces: uids };
  }
  return { device, interface: iface };
}

type CrashPoint = "addMany" | "updateMany";

/** Kills the server that holds `obj` with SIGKILL; resolves with how to bring it back. */
type Outage = (store: RedisStore, obj: ObjectModel) => Promise<() => Promise<void>>;

/**
 * A RedisStore whose server goes down at a chosen write of the sync: at the second `addMany`
 * (a batch of adds in flight) or the first `updateMany` (the parents' child lists, after their
 * children's adds). `crash` kills the server (or one cluster master) with SIGKILL just before the
 * batch is sent; the batch then fails against the dead server, and `restart` brings the server
 * back with its data before the failure reaches the sync, which then writes what it had applied.
 */
class CrashingStore extends RedisStore {
  #calls = 0;
  constructor(
    options: RedisStoreOptions,
    readonly point: CrashPoint,
    readonly outage: Outage,
  ) {
    super(options);
  }

  override async addMany(objs: readonly ObjectModel[]): Promise<void> {
    return this.point === "addMany" ? this.#crashing(++this.#calls === 2, objs, () => super.addMany(objs)) : super.addMany(objs);
  }

  override async updateMany(objs: readonly ObjectModel[]): Promise<void> {
    return this.point === "updateMany" ? this.#crashing(++this.#calls === 1, objs, () => super.updateMany(objs)) : super.updateMany(objs);
  }

  async #crashing(now: boolean, objs: readonly ObjectModel[], write: () => Promise<void>): Promise<void> {
    if (!now) return write();
    const restart = await this.outage(this, objs[0] as ObjectModel);
    try {
      await write();
    } finally {
      await restart();
    }
  }
}

let server: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedis({ persistent: true }), startRedisCluster({ persistent: true })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

/** The index in `cluster.nodes` of the master serving the hash that holds `obj` in `store`. */
async function masterOf(store: RedisStore, obj: ObjectModel): Promise<number> {
  const key = new StoreKeys(store.namespace, store.storeId).hash(obj.getType(), shardOf(obj.getUniqueId()));
  const client = store.client as Cluster;
  const slot = Number(await client.cluster("KEYSLOT", key));
  const ranges = (await client.cluster("SLOTS")) as unknown as [number, number, [string, number]][];
  const port = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2][1];
  const index = cluster.nodes.findIndex((node) => node.port === port);
  if (index < 0) throw new Error(`no master serves slot ${slot}`);
  return index;
}

const topologies: [string, () => RedisStoreOptions, Outage][] = [
  [
    "standalone",
    () => ({ url: server.url }),
    async () => {
      await server.crash();
      return () => server.restart();
    },
  ],
  [
    "3-master cluster",
    () => ({ cluster: cluster.nodes }),
    // The master of the batch's first object, one of three: the shards on the other two take
    // their part of the batch, those on this one do not.
    async (store, obj) => {
      const index = await masterOf(store, obj);
      await cluster.crash(index);
      return () => cluster.restart(index);
    },
  ],
];

for (const [topology, connect, outage] of topologies) {
  describe(`RedisStore synced by an Adapter converges after a Redis crash (issue 20, ${topology})`, () => {
    for (const point of ["addMany", "updateMany"] as const) {
      it(`SIGKILL at the ${point === "addMany" ? "second batch of adds" : "first update of parents"}: a re-run from a fresh instance converges`, async () => {
        const source = new Network({ name: "src" });
        await source.loadFromDict(network());
        const storeId = randomUUID();
        const options = { ...connect(), storeId, connectTimeoutMs: 15_000, commandTimeoutMs: 15_000, models: [Device, Interface] };
        // Short deadlines for the crashing run only: its write to the dead server fails after
        // them (ioredis holds it for a reconnect until then); the restart comes after that failure.
        const crashing = new CrashingStore({ ...options, connectTimeoutMs: 4000, commandTimeoutMs: 4000 }, point, outage);
        try {
          const first = await new Network({ name: "dst", store: crashing }).syncFrom(source).then(
            () => undefined,
            (error: unknown) => error,
          );
          // The crash really cut the sync short: it failed as an outage.
          expect(first).toMatchObject({ code: "E_UNAVAILABLE" });
        } finally {
          await crashing.close();
        }
        // A fresh instance, as a new run of the program would have.
        const store = new RedisStore(options);
        try {
          const dest = new Network({ name: "dst", store });
          await dest.syncFrom(source);
          expect((await dest.diffFrom(source)).hasDiffs()).toBe(false);
          expect(await dest.count("device")).toBe(DEVICES);
          expect(await dest.count("interface")).toBe(DEVICES * INTERFACES);
          // Every family whole: each device lists exactly its stored interfaces.
          const expected = network();
          for await (const device of dest.iterate(Device)) {
            const uids = device.getChildUids("interface");
            expect([...uids].sort()).toEqual([...(expected.device?.[device.name]?.interfaces as string[])].sort());
            expect((await dest.getByUids(uids, Interface)).length).toBe(INTERFACES);
          }
        } finally {
          await store.close();
        }
      });
    }
  });
}
