// The README's "Diff and sync" example, kept compiling and passing here.
import { expect, it } from "vitest";
import { Adapter, DiffSyncFlags, ObjectNotUpdated, defineModel } from "../../src/index.js";

/** Stands for the system behind adapter B (an API, a database): what the hooks changed there. */
const remote: string[] = [];

interface DeviceFields {
  name: string;
  osVersion: string;
  interfaces: string[];
}

class Device extends defineModel<DeviceFields>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["osVersion"],
  children: { interface: "interfaces" },
}) {
  static override async create(adapter: Adapter, ids: { name: string }, attrs: { osVersion?: string }) {
    remote.push(`POST /devices ${ids.name}`);
    return super.create(adapter, ids, attrs);
  }

  override async update(attrs: { osVersion?: string }, adapter: Adapter) {
    if (attrs.osVersion === "0.0") throw new ObjectNotUpdated(`${this.name}: downgrade refused`);
    remote.push(`PATCH /devices/${this.name} ${JSON.stringify(attrs)}`);
    return super.update(attrs, adapter);
  }

  override async delete(adapter: Adapter) {
    remote.push(`DELETE /devices/${this.name}`);
    return super.delete(adapter);
  }
}

interface InterfaceFields {
  deviceName: string;
  name: string;
  description: string;
}

class Interface extends defineModel<InterfaceFields>()({
  type: "interface",
  identifiers: ["deviceName", "name"],
  shortname: ["name"],
  attributes: ["description"],
}) {}

type Data = Record<string, { osVersion: string; interfaces: Record<string, string> }>;

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];

  async load(data: Data): Promise<void> {
    for (const [name, { osVersion, interfaces }] of Object.entries(data)) {
      const device = new Device({ name, osVersion });
      for (const [intfName, description] of Object.entries(interfaces)) {
        const intf = new Interface({ deviceName: name, name: intfName, description });
        device.addChild(intf);
        await this.add(intf);
      }
      await this.add(device);
    }
  }
}

it("diffs and syncs the device/interface example", async () => {
  const a = new Network({ name: "A" });
  await a.load({
    rtr1: { osVersion: "15.2", interfaces: { eth0: "uplink", eth1: "" } },
    rtr2: { osVersion: "16.1", interfaces: { eth0: "uplink" } },
  });
  const b = new Network({ name: "B" }); // or new Network({ name: "B", store: new RedisStore(...) })
  await b.load({
    rtr1: { osVersion: "15.1", interfaces: { eth0: "uplink", eth2: "old" } },
    rtr3: { osVersion: "1.0", interfaces: {} },
  });

  const diff = await b.diffFrom(a); // what syncing A into B would change; changes nothing
  expect(diff.summary()).toEqual({ create: 3, update: 1, delete: 2, "no-change": 1, skip: 0 });
  expect(diff.str()).toBe(
    [
      "device",
      "  device: rtr1",
      "    osVersion    A(15.2)    B(15.1)",
      "    interface",
      "      interface: eth1 MISSING in B",
      "      interface: eth2 MISSING in A",
      "  device: rtr2 MISSING in B",
      "    interface",
      "      interface: eth0 MISSING in B",
      "  device: rtr3 MISSING in A",
    ].join("\n"),
  );
  expect(diff.toDict().device?.rtr1).toEqual({
    "-": { osVersion: "15.1" },
    "+": { osVersion: "15.2" },
    interface: { eth1: { "+": { description: "" } }, eth2: { "-": { description: "old" } } },
  });

  await b.syncFrom(a, { onProgress: (stage, done, total) => void [stage, done, total] });
  expect(remote).toEqual(['PATCH /devices/rtr1 {"osVersion":"15.2"}', "POST /devices rtr2", "DELETE /devices/rtr3"]);
  expect((await b.get(Device, "rtr1")).interfaces).toEqual(["rtr1__eth0", "rtr1__eth1"]);
  expect((await b.diffFrom(a)).hasDiffs()).toBe(false);

  // A hook that refuses: the sync stops with its error, unless CONTINUE_ON_FAILURE is set.
  const rtr2 = await a.get(Device, "rtr2");
  rtr2.osVersion = "0.0";
  await a.update(rtr2);
  await expect(b.syncFrom(a)).rejects.toThrow(ObjectNotUpdated);
  const rest = await b.syncFrom(a, { flags: DiffSyncFlags.CONTINUE_ON_FAILURE });
  expect(rest.summary().update).toBe(1);
  expect((await b.get(Device, "rtr2")).osVersion).toBe("16.1");
});
