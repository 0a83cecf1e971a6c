import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  Adapter,
  Diff,
  DiffClassMismatch,
  InvalidObjectError,
  ModelFlags,
  defineModel,
  disableLogging,
  enableConsoleLogging,
  type AdapterDict,
} from "../../src/index.js";
import { Device, Interface } from "../object-store/fixtures.js";

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

async function network(name: string, data: AdapterDict): Promise<Network> {
  const adapter = new Network({ name });
  await adapter.loadFromDict(data);
  return adapter;
}

const SOURCE: AdapterDict = {
  device: { r1: { name: "r1", site: "ams", interfaces: ["r1__eth0", "r1__eth1"] }, r2: { name: "r2", site: "lon" } },
  interface: { r1__eth0: { device: "r1", name: "eth0", description: "up" }, r1__eth1: { device: "r1", name: "eth1", description: "x" } },
};
const DEST: AdapterDict = {
  device: { r1: { name: "r1", site: "par", interfaces: ["r1__eth0", "r1__eth9"] }, r3: { name: "r3", site: "lon" } },
  interface: { r1__eth0: { device: "r1", name: "eth0", description: "down" }, r1__eth9: { device: "r1", name: "eth9", description: "x" } },
};

afterEach(() => disableLogging());

describe("diffFrom", () => {
  it("lists source objects in source order, then destination-only ones, as diffsync prints them", async () => {
    const diff = await (await network("dst", DEST)).diffFrom(await network("src", SOURCE));
    expect(diff.str()).toBe(
      [
        "device",
        "  device: r1",
        "    site    src(ams)    dst(par)",
        "    interface",
        "      interface: eth0",
        "        description    src(up)    dst(down)",
        "      interface: eth1 MISSING in dst",
        "      interface: eth9 MISSING in src",
        "  device: r2 MISSING in dst",
        "  device: r3 MISSING in src",
      ].join("\n"),
    );
    expect(diff.summary()).toEqual({ create: 2, update: 2, delete: 2, "no-change": 0, skip: 0 });
  });

  it("calls the Diff class's complete() once, when the diff is filled", async () => {
    const completed: number[] = [];
    class Recorded extends Diff {
      override complete(): void {
        completed.push(this.size);
      }
    }
    await (await network("dst", DEST)).diffFrom(await network("src", SOURCE), { diffClass: Recorded });
    expect(completed).toEqual([6]);
  });

  it("refuses bad options before reading anything", async () => {
    const dst = await network("dst", DEST);
    const src = await network("src", SOURCE);
    await expect(dst.diffFrom(src, { diffClass: Map as never })).rejects.toThrow(DiffClassMismatch);
    await expect(dst.diffFrom(src, { onProgress: 3 as never })).rejects.toThrow(InvalidObjectError);
    await expect(dst.syncFrom(src, { diff: {} as never })).rejects.toThrow(DiffClassMismatch);
    expect(await dst.toDict()).toEqual(await (await network("x", DEST)).toDict());
  });

  it("refuses to pair objects whose identifiers disagree (same uid, other values)", async () => {
    class Port extends defineModel<{ id: string | number; label: string }>()({ type: "port", identifiers: ["id"], attributes: ["label"] }) {}
    class Ports extends Adapter {
      static override readonly models = [Port];
      static override readonly topLevel = ["port"];
    }
    const a = new Ports();
    await a.add(new Port({ id: 1, label: "a" }));
    const b = new Ports();
    await b.add(new Port({ id: "1", label: "a" }));
    await expect(b.diffFrom(a)).rejects.toThrow(DiffClassMismatch);
  });

  it("rejects model flags that are not ModelFlags", async () => {
    class Odd extends defineModel<{ id: string }>()({ type: "odd", identifiers: ["id"] }) {
      static override readonly modelFlags = 1 << 10;
    }
    class Odds extends Adapter {
      static override readonly models = [Odd];
      static override readonly topLevel = ["odd"];
    }
    const a = new Odds();
    await a.add(new Odd({ id: "x" }));
    await expect(new Odds().diffFrom(a)).rejects.toThrow(/ModelFlags of odd "x"/);
    expect(ModelFlags.SKIP_UNMATCHED_BOTH).toBe(ModelFlags.SKIP_UNMATCHED_SRC | ModelFlags.SKIP_UNMATCHED_DST);
  });
});

describe("model hooks", () => {
  it("default create keeps only the attributes the class declares; update sets them; delete returns the object", async () => {
    const adapter = new Network();
    const created = await Device.create(adapter, { name: "r9" }, { site: "ams", role: "edge", unknown: 1 } as never);
    expect(created?.toJSON().fields).toEqual({ name: "r9", site: "ams", role: "edge", interfaces: [] });
    const device = new Device({ name: "r1", site: "ams" });
    expect(await device.update({ site: "lon" }, adapter)).toBe(device);
    expect(device.site).toBe("lon");
    expect(await device.delete(adapter)).toBe(device);
    expect(device.getModelFlags()).toBe(0);
  });

  it("a create hook that adds its object itself, and lists it in the parent, is not an error", async () => {
    class SelfAdding extends defineModel<{ device: string; name: string; description: string; mtu: number }>()({
      type: "interface",
      identifiers: ["device", "name"],
      shortname: ["name"],
      attributes: ["description", "mtu"],
      defaults: { mtu: 1500 },
    }) {
      static override async create(adapter: Adapter, ids: { device: string; name: string }, attrs: { description?: string; mtu?: number }) {
        const obj = await super.create(adapter, ids, attrs);
        if (obj === null) return null;
        await adapter.add(obj);
        const parent = await adapter.get(Device, obj.device);
        parent.addChild(obj);
        await adapter.update(parent);
        return obj;
      }
    }
    class SelfNetwork extends Adapter {
      static override readonly models = [Device, SelfAdding];
      static override readonly topLevel = ["device"];
    }
    const src = new SelfNetwork();
    await src.loadFromDict(SOURCE);
    const dst = new SelfNetwork();
    await dst.loadFromDict(DEST);
    await dst.syncFrom(src);
    expect((await dst.diffFrom(src)).hasDiffs()).toBe(false);
    expect((await dst.get(Device, "r1")).interfaces).toEqual(["r1__eth0", "r1__eth1"]);
  });
});

describe("logging", () => {
  it("logs the start and end of each stage with counts", async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    enableConsoleLogging(1, sink);
    await (await network("dst", DEST)).syncFrom(await network("src", SOURCE));
    const events = chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const names = events.map((event) => event.event).filter((name) => name !== "adapter.load");
    expect(names.filter((name) => name !== "sync.element")).toEqual(["diff.start", "diff.complete", "sync.start", "sync.complete"]);
    expect(names.filter((name) => name === "sync.element")).toHaveLength(6);
    expect(events.find((event) => event.event === "diff.start")).toMatchObject({ src: "src", dst: "dst", total: 8, flags: 0 });
    expect(events.find((event) => event.event === "diff.complete")?.summary).toEqual({ create: 2, update: 2, delete: 2, "no-change": 0, skip: 0 });
    expect(events.find((event) => event.event === "sync.complete")).toMatchObject({ changed: true });
  });
});
