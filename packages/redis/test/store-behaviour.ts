import { randomUUID } from "node:crypto";
import { Cluster } from "ioredis";
import { expect, it } from "vitest";
import { ObjectAlreadyExists, ObjectNotFound } from "@stowage/core";
import { RedisStore, shardOf, type RedisStoreOptions } from "../src/index.js";
import { spyOnCommands } from "./command-spy.js";
import { Device, Interface, Weird } from "./models.js";

/** Where the stores under test connect (a standalone server or a cluster). */
export type ConnectStore = () => RedisStoreOptions;

/** Behaviour RedisStore must show on any topology; each case uses a fresh store id. */
export function storeBehaviour(connect: ConnectStore): void {
  const using = async (body: (store: RedisStore, open: () => RedisStore) => Promise<void>) => {
    const storeId = randomUUID();
    const opened: RedisStore[] = [];
    const open = () => {
      const store = new RedisStore({ connectTimeoutMs: 15_000, ...connect(), storeId, models: [Device, Interface, Weird] });
      opened.push(store);
      return store;
    };
    try {
      await body(open(), open);
    } finally {
      await Promise.all(opened.map((store) => store.close()));
    }
  };

  it("adds, reads back copies, updates, counts and removes", () =>
    using(async (store) => {
      const r1 = new Device({ name: "r1", site: "ams" });
      await store.add(r1);
      await store.add(new Device({ name: "r1", site: "ams" })); // same data: a no-op
      await expect(store.add(new Device({ name: "r1", site: "fra" }))).rejects.toBeInstanceOf(ObjectAlreadyExists);
      const read = await store.get(Device, "r1");
      expect(read).not.toBe(r1);
      expect(read.site).toBe("ams");
      read.site = "lon";
      await store.update(read);
      expect((await store.get("device", "r1")).getAttrs()).toEqual({ site: "lon" });
      await store.add(new Interface({ device: "r1", name: "eth0" }));
      expect(await store.count()).toBe(2);
      expect(await store.count("Device")).toBe(0); // exact type names, no case folding
      expect(await store.count(Device)).toBe(1);
      expect(await store.getAllModelNames()).toEqual(new Set(["device", "interface"]));
      await store.remove(read);
      await expect(store.get(Device, "r1")).rejects.toBeInstanceOf(ObjectNotFound);
      await expect(store.remove(read)).rejects.toBeInstanceOf(ObjectNotFound);
      expect(await store.getAllModelNames()).toEqual(new Set(["interface"]));
    }));

  it("gets many objects in bulk, in the order asked", () =>
    using(async (store) => {
      const names = Array.from({ length: 2500 }, (_, i) => `dev-${i}`);
      await Promise.all(names.map((name) => store.add(new Device({ name, site: name }))));
      expect(await store.count(Device)).toBe(2500);
      const all = await store.getAll(Device);
      expect(new Set(all.map((device) => device.name))).toEqual(new Set(names));
      const asked = ["dev-7", "dev-2499", "dev-7", "dev-0"];
      expect((await store.getByUids(asked, Device)).map((device) => device.site)).toEqual(asked);
      await expect(store.getByUids(["dev-1", "nope"], Device)).rejects.toBeInstanceOf(ObjectNotFound);
    }));

  it("keeps the indexes right for batches that mix models and shards", () =>
    using(async (store) => {
      // Issued together, these share script runs that reference many (model, shard) index pairs.
      const devices = Array.from({ length: 200 }, (_, i) => new Device({ name: `d${i}`, site: "ams" }));
      const interfaces = Array.from({ length: 200 }, (_, i) => new Interface({ device: `d${i}`, name: `eth${i}` }));
      await Promise.all(devices.flatMap((device, i) => [store.add(device), store.add(interfaces[i] as Interface)]));
      expect(await store.count(Device)).toBe(200);
      expect(await store.count(Interface)).toBe(200);
      expect(await store.getAllModelNames()).toEqual(new Set(["device", "interface"]));
      const kept = interfaces.filter((_, i) => i % 2 === 0);
      await Promise.all(devices.flatMap((device, i) => (i % 2 === 0 ? [store.remove(device)] : [store.remove(device), store.remove(interfaces[i] as Interface)])));
      expect(await store.count(Device)).toBe(0);
      expect(await store.count(Interface)).toBe(100);
      expect(await store.getAllModelNames()).toEqual(new Set(["interface"]));
      expect(new Set((await store.getAll(Interface)).map((each) => each.name))).toEqual(new Set(kept.map((each) => each.name)));
    }));

  it("keeps model names and uids with key-syntax, glob and unicode characters apart", () =>
    using(async (store) => {
      const uids = ["a:b", "a", "*", "?", "[ab]", "{tag}", "%3A", "ü:😀", ""];
      for (const [i, id] of uids.entries()) await store.add(new Weird({ id, value: i }));
      expect(await store.count(Weird)).toBe(uids.length);
      for (const [i, id] of uids.entries()) expect((await store.get(Weird, id)).value).toBe(i);
      expect(await store.getAllModelNames()).toEqual(new Set(["we:ird*?[x]{y}%"]));
      await store.remove(await store.get(Weird, "*"));
      expect(await store.count(Weird)).toBe(uids.length - 1);
      expect((await store.get(Weird, "?")).value).toBe(3);
    }));

  it("removes an object with its children", () =>
    using(async (store) => {
      const device = new Device({ name: "r2", site: "ams" });
      const eth0 = new Interface({ device: "r2", name: "eth0" });
      const eth1 = new Interface({ device: "r2", name: "eth1" });
      device.addChild(eth0);
      device.addChild(eth1);
      device.addChild(new Interface({ device: "r2", name: "never-stored" }));
      await store.add(device);
      await store.add(eth0);
      await store.add(eth1);
      await store.add(new Interface({ device: "r3", name: "eth0" }));
      await store.remove(device, { removeChildren: true });
      expect(await store.count(Interface)).toBe(1);
      expect(await store.count(Device)).toBe(0);
      expect((await store.getAll(Interface)).map((child) => child.device)).toEqual(["r3"]);
      await expect(store.remove(device, { removeChildren: true })).rejects.toBeInstanceOf(ObjectNotFound);
    }));

  it("shares one dataset between two independent clients with the same store id", () =>
    using(async (first, open) => {
      const second = open();
      expect(second.client).not.toBe(first.client);
      await first.add(new Device({ name: "shared", site: "ams" }));
      expect((await second.get(Device, "shared")).site).toBe("ams");
      // Racing adds of different data: exactly one wins, the other sees the winner.
      const results = await Promise.allSettled([
        first.add(new Device({ name: "race", site: "one" })),
        second.add(new Device({ name: "race", site: "two" })),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const loser = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(ObjectAlreadyExists);
      expect(await first.count(Device)).toBe(2);
      expect((await first.get(Device, "race")).site).toBe((await second.get(Device, "race")).site);
    }));

  it("sends a lone write in its own tick as one one-object script, and merges writes issued together", () =>
    using(async (store) => {
      await store.add(new Device({ name: "warm", site: "ams" })); // connected, scripts loaded
      await store.update(new Device({ name: "warm", site: "fra" }));
      await store.remove(new Device({ name: "warm", site: "fra" }));
      // Script runs: EVALSHA each (a node that lacks the script answers NOSCRIPT and gets an EVAL too).
      const scripts = (spy: ReturnType<typeof spyOnCommands>) => spy.commands.filter((command) => command.name === "evalsha");
      for (const write of [
        () => store.add(new Device({ name: "lone", site: "ams" })),
        () => store.update(new Device({ name: "lone", site: "lon" })),
        () => store.remove(new Device({ name: "lone", site: "lon" })),
      ]) {
        const spy = spyOnCommands(store.client);
        try {
          const done = write();
          // Sent in the tick of the call (by the process.nextTick callbacks it queued): no wait for
          // an event-loop turn (setImmediate) between the call and the socket.
          const sentAtOnce = await new Promise<number>((resolve) => process.nextTick(() => resolve(scripts(spy).length)));
          await done;
          expect(sentAtOnce).toBe(1);
          const [sent] = scripts(spy);
          expect(scripts(spy)).toHaveLength(1);
          // The one-object layout: 2 keys (hash, model-name set), the model name, then the object's own arguments.
          expect(sent?.args[1]).toBe("2");
          expect(sent?.args[4]).toBe("device");
        } finally {
          spy.restore();
        }
      }
      expect(await store.count()).toBe(0);
      expect(await store.getAllModelNames()).toEqual(new Set());

      const many = Array.from({ length: 40 }, (_, i) => new Device({ name: `together-${i}`, site: "ams" }));
      const spy = spyOnCommands(store.client);
      try {
        await Promise.all(many.map((device) => store.add(device)));
        // One run per group: everything on a standalone server, one per shard (hash slot) on a cluster.
        const shards = new Set(many.map((device) => shardOf(device.getUniqueId()))).size;
        expect(scripts(spy).length).toBe(store.client instanceof Cluster ? shards : 1);
      } finally {
        spy.restore();
      }
      expect(await store.count(Device)).toBe(40);
    }));
}
