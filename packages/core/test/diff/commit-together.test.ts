import { describe, expect, it } from "vitest";
import { Adapter, MemoryStore, ObjectNotCreated, defineModel, joinUid, type AdapterDict, type ObjectModel } from "../../src/index.js";
import { Device, Interface } from "../object-store/fixtures.js";

/** A MemoryStore that records, for every backend write (its bulk writes go through these primitives), the `commitTogether` group it was made in (-1: none). */
class GroupingStore extends MemoryStore {
  /** `type/uid` of each write, with its group. */
  readonly writes: { key: string; group: number }[] = [];
  /** How each group ended. */
  readonly ended: ("resolved" | "rejected")[] = [];
  #group = -1;

  override async commitTogether<T>(work: () => Promise<T>): Promise<T> {
    expect(this.#group, "the engine does not nest groups").toBe(-1);
    this.#group = this.ended.length;
    try {
      const result = await work();
      this.ended.push("resolved");
      return result;
    } catch (error) {
      this.ended.push("rejected");
      throw error;
    } finally {
      this.#group = -1;
    }
  }

  #record(type: string, uids: readonly string[]): void {
    for (const uid of uids) this.writes.push({ key: `${type}/${uid}`, group: this.#group });
  }

  protected override insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    this.#record(obj.getType(), [obj.getUniqueId()]);
    return super.insert(obj);
  }

  protected override put(obj: ObjectModel): Promise<void> {
    this.#record(obj.getType(), [obj.getUniqueId()]);
    return super.put(obj);
  }

  protected override deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    this.#record(modelName, uids);
    return super.deleteMany(modelName, uids);
  }

  /** The groups the writes of each family were made in, by device name. */
  groupsByFamily(): Map<string, Set<number>> {
    const separator = joinUid(["a", "b"]).slice(1, -1);
    const families = new Map<string, Set<number>>();
    for (const { key, group } of this.writes) {
      const name = key.slice(key.indexOf("/") + 1).split(separator)[0] as string;
      families.set(name, (families.get(name) ?? new Set()).add(group));
    }
    return families;
  }
}

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

/** `n` devices with `ports(i)` interfaces each; `site` gives the attribute values. */
function data(n: number, ports: (i: number) => number, site: string): AdapterDict {
  const device: AdapterDict[string] = {};
  const intf: AdapterDict[string] = {};
  for (let i = 0; i < n; i++) {
    const name = `d${i}`;
    const uids: string[] = [];
    for (let p = 0; p < ports(i); p++) {
      uids.push(joinUid([name, `eth${p}`]));
      intf[joinUid([name, `eth${p}`])] = { device: name, name: `eth${p}`, description: site };
    }
    device[name] = { name, site, interfaces: uids };
  }
  return { device, interface: intf };
}

describe("syncFrom commits whole families together (BaseStore.commitTogether)", () => {
  it("every write is made inside a group, and each family's writes (creates, updates, deletes) inside one", async () => {
    const n = 2500;
    const source = new Network({ name: "src" });
    // Families of 1 to 7 interfaces: a batch of 1,000 writes ends inside one now and then.
    await source.loadFromDict(data(n, (i) => 1 + (i % 7), "new"));
    const store = new GroupingStore();
    const dest = new Network({ name: "dst", store });
    await dest.loadFromDict(data(n, (i) => 1 + ((i + 3) % 5), "old"));
    store.writes.length = 0;
    await dest.syncFrom(source);
    expect(store.writes.filter(({ group }) => group === -1)).toEqual([]);
    // One group per batch of 1,000 top-level objects, each resolved.
    expect(store.ended).toEqual(["resolved", "resolved", "resolved"]);
    const families = store.groupsByFamily();
    expect(families.size).toBe(n);
    expect([...families].filter(([, groups]) => groups.size !== 1)).toEqual([]);
    expect((await dest.diffFrom(source)).hasDiffs()).toBe(false);
  });

  it("a group whose hook fails is written, then ends rejected, and the sync stops with the hook's error", async () => {
    class Picky extends defineModel<{ id: string }>()({ type: "picky", identifiers: ["id"] }) {
      static override async create(adapter: Adapter, ids: { id: string }, attrs: object) {
        if (ids.id === "p5") throw new ObjectNotCreated("p5 refused");
        return super.create(adapter, ids, attrs);
      }
    }
    class Picks extends Adapter {
      static override readonly models = [Picky];
      static override readonly topLevel = ["picky"];
    }
    const source = new Picks({ name: "src" });
    await source.loadFromDict({ picky: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, { id: `p${i}` }])) });
    const store = new GroupingStore();
    const dest = new Picks({ name: "dst", store });
    await expect(dest.syncFrom(source)).rejects.toThrow(ObjectNotCreated);
    expect(store.ended).toEqual(["rejected"]);
    expect(store.writes.map(({ key, group }) => `${key}@${group}`)).toEqual(["picky/p0@0", "picky/p1@0", "picky/p2@0", "picky/p3@0", "picky/p4@0"]);
    expect(await dest.count()).toBe(5);
  });
});
