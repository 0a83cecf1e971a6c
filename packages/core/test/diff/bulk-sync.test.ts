import { describe, expect, it } from "vitest";
import { Adapter, MemoryStore, ObjectNotCreated, defineModel, joinUid, type AdapterDict, type ObjectModel } from "../../src/index.js";
import { Device, Interface } from "../object-store/fixtures.js";

/** A MemoryStore that counts the backend calls the engine makes (each one a round trip on a server). */
class CountingStore extends MemoryStore {
  calls = 0;
  protected override getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    this.calls++;
    return super.getMany(modelName, uids);
  }
  protected override insertMany(objs: readonly ObjectModel[]): Promise<(ObjectModel | undefined)[]> {
    this.calls++;
    return super.insertMany(objs);
  }
  protected override putMany(objs: readonly ObjectModel[]): Promise<void> {
    this.calls++;
    return super.putMany(objs);
  }
  protected override deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    this.calls++;
    return super.deleteMany(modelName, uids);
  }
}

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

/** Devices `first` .. `first + n - 1` with two interfaces each; `site` gives the attribute values. */
function data(first: number, n: number, site: (i: number) => string): AdapterDict {
  const device: AdapterDict[string] = {};
  const intf: AdapterDict[string] = {};
  for (let i = first; i < first + n; i++) {
    const name = `d${i}`;
    const uids = ["eth0", "eth1"].map((port) => joinUid([name, port]));
    device[name] = { name, site: site(i), interfaces: uids };
    for (const port of ["eth0", "eth1"]) intf[joinUid([name, port])] = { device: name, name: port, description: site(i) };
  }
  return { device, interface: intf };
}

describe("syncFrom with the default hooks", () => {
  it("needs no round trip per change: reads and writes go in batches", async () => {
    const n = 3000;
    const source = new Network({ name: "src" });
    await source.loadFromDict(data(n / 3, n, (i) => (i < (2 * n) / 3 ? "new" : "old")));
    const store = new CountingStore();
    const dest = new Network({ name: "dst", store });
    await dest.loadFromDict(data(0, n, () => "old"));
    const planned = await dest.diffFrom(source);
    store.calls = 0;
    const diff = await dest.syncFrom(source, { diff: planned });
    const { create, update, delete: deleted } = diff.summary();
    expect([create, update, deleted]).toEqual([3 * (n / 3), 3 * (n / 3), 3 * (n / 3)]);
    // 9,000 changes (devices and interfaces); one call each would be 9,000 round trips.
    expect(store.calls).toBeLessThan(12 * (n / 1000) + 20);
    expect((await dest.diffFrom(source)).hasDiffs()).toBe(false);
    expect(await dest.count()).toBe(3 * n);
  });

  it("a custom hook sees every change applied before it, and the sync then reads afresh", async () => {
    const seen: number[] = [];
    class Watched extends defineModel<{ id: string; value: number }>()({ type: "watched", identifiers: ["id"], attributes: ["value"] }) {
      static override async create(adapter: Adapter, ids: { id: string }, attrs: { value?: number }) {
        seen.push(await adapter.count("plain"));
        // A hook that writes the store itself: the engine must not find a stale object afterwards.
        await adapter.update(new Plain({ id: "late", value: 1 }));
        return super.create(adapter, ids, attrs);
      }
    }
    class Plain extends defineModel<{ id: string; value: number }>()({ type: "plain", identifiers: ["id"], attributes: ["value"] }) {}
    class Mixed extends Adapter {
      static override readonly models = [Plain, Watched];
      static override readonly topLevel = ["plain", "watched"];
    }
    const source = new Mixed({ name: "src" });
    await source.loadFromDict({
      plain: { a: { id: "a", value: 1 }, b: { id: "b", value: 2 }, late: { id: "late", value: 2 } },
      watched: { w: { id: "w", value: 3 } },
    });
    const dest = new Mixed({ name: "dst", store: new CountingStore() });
    await dest.syncFrom(source);
    expect(seen).toEqual([3]);
    expect((await dest.get(Plain, "late")).value).toBe(1);
    // The next sync puts back what the hook changed.
    await dest.syncFrom(source);
    expect((await dest.get(Plain, "late")).value).toBe(2);
  });

  it("an object listed under two parents is created once; the second create finds it, as one by one", async () => {
    const shared = joinUid(["r1", "eth0"]);
    // 998 devices between the two parents: their writes fill a batch, which is sent before r2's
    // turn, so the second create must not trust what was read before that flush.
    const device: AdapterDict[string] = { r1: { name: "r1", site: "a", interfaces: [shared] } };
    for (let i = 0; i < 998; i++) device[`f${i}`] = { name: `f${i}`, site: "f" };
    device.r2 = { name: "r2", site: "b", interfaces: [shared] };
    const data: AdapterDict = { device, interface: { [shared]: { device: "r1", name: "eth0", description: "x" } } };
    for (const store of [new MemoryStore(), new CountingStore()]) {
      const source = new Network({ name: "src" });
      await source.loadFromDict(data);
      const dest = new Network({ name: "dst", store });
      await expect(dest.syncFrom(source)).rejects.toThrow(ObjectNotCreated);
      expect(await dest.count("interface")).toBe(1);
      expect((await dest.get(Device, "r1")).interfaces).toEqual([shared]);
    }
  });
});
