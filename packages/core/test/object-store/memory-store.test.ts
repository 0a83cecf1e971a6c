import { describe, expect, it } from "vitest";
import { MemoryStore, isStowageError, type ObjectModel, type StowageErrorCode } from "../../src/index.js";
import { Device, Interface } from "./fixtures.js";

/** A MemoryStore subclass that records what reaches its asynchronous primitives. */
class RecordingStore extends MemoryStore {
  readonly calls: string[] = [];

  protected override async put(obj: ObjectModel): Promise<void> {
    this.calls.push(`put ${obj.getUniqueId()}`);
    await super.put(obj);
  }

  protected override async countStored(modelName: string | undefined): Promise<number> {
    this.calls.push(`count ${modelName ?? "*"}`);
    return super.countStored(modelName);
  }
}

/** Asserts that `call` rejects with a stowage error of this code. */
async function rejectsWith(call: Promise<unknown>, code: StowageErrorCode): Promise<void> {
  await expect(call).rejects.toSatisfy((error) => isStowageError(error, code));
}

describe("MemoryStore's synchronous path", () => {
  it("fails a call with a rejected promise, never a synchronous throw", async () => {
    const store = new MemoryStore();
    const missing = store.get(Device, "r9");
    expect(missing).toBeInstanceOf(Promise);
    await rejectsWith(missing, "E_OBJECT_NOT_FOUND");
    const r1 = new Device({ name: "r1", site: "ams" });
    (r1 as { role: unknown }).role = Number.NaN;
    const invalid = store.add(r1);
    expect(invalid).toBeInstanceOf(Promise);
    await rejectsWith(invalid, "E_OBJECT_INVALID");
    await rejectsWith(store.update(r1), "E_OBJECT_INVALID");
    await rejectsWith(store.remove({} as ObjectModel), "E_OBJECT_INVALID");
    await expect(store.count()).resolves.toBe(0);
    await store.add(new Device({ name: "r2", site: "ams" }));
    await rejectsWith(store.add(new Device({ name: "r2", site: "fra" })), "E_OBJECT_EXISTS");
    await rejectsWith(store.remove(new Device({ name: "r1", site: "ams" })), "E_OBJECT_NOT_FOUND");
    await rejectsWith(store.remove(new Device({ name: "r1", site: "ams" }), { removeChildren: true }), "E_OBJECT_NOT_FOUND");
    await rejectsWith(store.count(""), "E_OBJECT_INVALID");
  });

  it("finds an object added under a uid built after its identifiers changed, and not under the old one", async () => {
    const store = new MemoryStore();
    const eth0 = new Interface({ device: "r1", name: "eth0", description: "" });
    expect(eth0.getUniqueId()).toBe("r1__eth0");
    (eth0 as { name: string }).name = "eth1";
    await store.add(eth0);
    expect(await store.get(Interface, "r1__eth1")).toBe(eth0);
    await rejectsWith(store.get(Interface, "r1__eth0"), "E_OBJECT_NOT_FOUND");
    await expect(store.get(Interface, { device: "r1", name: "eth1" })).resolves.toBe(eth0);
  });

  it("serves a subclass that overrides a primitive through its primitives, so its overrides run", async () => {
    const store = new RecordingStore();
    const r1 = new Device({ name: "r1", site: "ams" });
    await store.add(r1);
    await store.update(r1);
    expect(await store.count(Device)).toBe(1);
    expect(await store.get(Device, "r1")).toBe(r1);
    expect(store.calls).toEqual(["put r1", "count device"]);
  });
});
