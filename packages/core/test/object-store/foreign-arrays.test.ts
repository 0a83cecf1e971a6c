import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { BaseStore, type ObjectModel } from "../../src/index.js";
import { Device } from "./fixtures.js";

/** Builds an array in a realm of its own (a native module's or a test runner's vm context, say). */
const foreignArray = vm.runInNewContext("(items) => Array.from(items)") as <T>(items: Iterable<T>) => T[];

/** A store whose primitives return arrays of another realm. */
class ForeignArrayStore extends BaseStore {
  readonly objects = new Map<string, ObjectModel>();
  protected async getMany(_type: string, uids: readonly string[]) {
    return foreignArray(uids.map((uid) => this.objects.get(uid)));
  }
  protected async *scan() {
    yield foreignArray(this.objects.values());
  }
  protected async insert(obj: ObjectModel) {
    const stored = this.objects.get(obj.getUniqueId());
    if (stored === undefined) this.objects.set(obj.getUniqueId(), obj);
    return stored;
  }
  protected async put(obj: ObjectModel) {
    this.objects.set(obj.getUniqueId(), obj);
  }
  protected async deleteMany(_type: string, uids: readonly string[]) {
    return foreignArray(uids.map((uid) => this.objects.delete(uid)));
  }
  protected async countStored() {
    return this.objects.size;
  }
  protected async modelNames() {
    return foreignArray(this.objects.size > 0 ? ["device"] : []);
  }
}

describe("arrays from a store of another realm", () => {
  it("getAll, findMany and getByUids hand back arrays of this realm", async () => {
    const store = new ForeignArrayStore({ models: [Device] });
    await store.addMany([new Device({ name: "a", site: "s" }), new Device({ name: "b", site: "s" })]);
    const own = (value: unknown) => Object.getPrototypeOf(value) === Array.prototype;
    expect(own(await store.getAll(Device))).toBe(true);
    expect(own(await store.findMany(["a", "zz"], Device))).toBe(true);
    expect(own(await store.getByUids(["b", "a"], Device))).toBe(true);
    expect((await store.getByUids(["b", "a"], Device)).map((device) => device.getUniqueId())).toStrictEqual(["b", "a"]);
  });
});
