import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Adapter, InvalidObjectError, MemoryStore, ObjectAlreadyExists, disableLogging, enableConsoleLogging } from "../../src/index.js";
import { Device, Interface } from "./fixtures.js";

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

afterEach(() => disableLogging());

describe("Adapter", () => {
  it("uses a MemoryStore by default, or the store (class or instance) it is given", async () => {
    expect(new Network().store).toBeInstanceOf(MemoryStore);
    expect(new Network({ store: MemoryStore }).store.name).toBe("Network.store");
    const store = new MemoryStore({ name: "mine" });
    const network = new Network({ store, name: "n" });
    expect(network.store).toBe(store);
    expect(network.name).toBe("n");
    expect(network.topLevel).toEqual(["device"]);
    expect(network.getModelClass("interface")).toBe(Interface);
  });

  it("rejects a top-level type that is not a declared model, and a type declared twice", () => {
    class Broken extends Adapter {
      static override readonly models = [Device];
      static override readonly topLevel = ["interface"];
    }
    expect(() => new Broken()).toThrow(/top-level type 'interface' is not a declared model/);
    class Twice extends Adapter {
      static override readonly models = [Device, Device];
    }
    expect(() => new Twice()).toThrow(/declared twice/);
  });

  it("round-trips toDict/loadFromDict and reports its size", async () => {
    const a = new Network();
    const r1 = new Device({ name: "r1", site: "ams" });
    const eth0 = new Interface({ device: "r1", name: "eth0", description: "up" });
    r1.addChild(eth0);
    await a.add(r1);
    await a.add(eth0);
    const dict = await a.toDict();
    expect(dict).toEqual({
      device: { r1: { name: "r1", site: "ams", role: null, interfaces: ["r1__eth0"] } },
      interface: { r1__eth0: { device: "r1", name: "eth0", description: "up", mtu: 1500 } },
    });
    const b = new Network();
    await b.loadFromDict(dict);
    expect(await b.size()).toBe(2);
    expect(await b.toDict()).toEqual(dict);
    expect((await b.get(Device, "r1")).interfaces).toEqual(["r1__eth0"]);
  });

  it("validates a whole dict before adding anything", async () => {
    const a = new Network();
    await expect(a.loadFromDict({ device: { r1: { name: "r1", site: "x" } }, site: { s: {} } })).rejects.toThrow(/'site' is not declared/);
    await expect(a.loadFromDict({ device: { r1: { name: "r2", site: "x" } } })).rejects.toThrow(InvalidObjectError);
    await expect(a.loadFromDict({ device: "r1" as never })).rejects.toThrow(/expects uid -> fields under 'device'/);
    expect(await a.size()).toBe(0);
    await a.loadFromDict({ device: { r1: { name: "r1", site: "x" } } });
    await expect(a.loadFromDict({ device: { r1: { name: "r1", site: "y" } } })).rejects.toThrow(ObjectAlreadyExists);
  });

  it("logs structured events only once console logging is enabled", async () => {
    const sink = capture();
    const a = new Network();
    const r1 = new Device({ name: "r1", site: "ams", interfaces: ["r1__gone"] });
    await a.add(r1);
    expect(sink.lines()).toEqual([]);
    enableConsoleLogging(0, sink.stream);
    await a.add(new Device({ name: "r2", site: "ams" }));
    await a.remove(r1, { removeChildren: true });
    const warn = sink.lines();
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ level: 40, event: "store.remove.missing-child", model: "interface", uid: "r1__gone", parent: 'device "r1"' });
    enableConsoleLogging(1, sink.stream);
    await a.loadFromDict({ device: { r3: { name: "r3", site: "x" } } });
    enableConsoleLogging(2, sink.stream);
    await a.loadFromDict({ device: { r4: { name: "r4", site: "x" } } });
    const events = sink.lines().slice(1).map((line) => `${String(line.level)} ${String(line.event)}`);
    expect(events).toEqual(["30 adapter.load", "20 store.add", "30 adapter.load"]);
  });
});
