// The README's "Object store" example, kept compiling and passing here.
import { expect, it } from "vitest";
import { Adapter, ObjectAlreadyExists, defineModel } from "../../src/index.js";

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
}) {}

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

const DATA = {
  rtr1: { osVersion: "15.2", interfaces: { eth0: "uplink", eth1: "" } },
  rtr2: { osVersion: "16.1", interfaces: { eth0: "uplink" } },
};

class BackendA extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];

  async load(): Promise<void> {
    for (const [name, { osVersion, interfaces }] of Object.entries(DATA)) {
      const device = new Device({ name, osVersion });
      for (const [intfName, description] of Object.entries(interfaces)) {
        const intf = new Interface({ deviceName: name, name: intfName, description });
        device.addChild(intf);
        await this.add(intf);
      }
      await this.add(device); // after addChild, so the child list is stored with it
    }
  }
}

it("runs the README example", async () => {
  const a = new BackendA();
  await a.load();
  expect(await a.size()).toBe(5);
  const rtr1 = await a.get(Device, "rtr1");
  expect(rtr1.interfaces).toEqual(["rtr1__eth0", "rtr1__eth1"]);
  const eth0 = await a.get(Interface, { deviceName: "rtr1", name: "eth0" });
  expect(eth0.getShortname()).toBe("eth0");

  rtr1.osVersion = "15.3";
  await a.update(rtr1); // persist the change on every store, not only in memory

  const [rtr3, created] = await a.getOrInstantiate(Device, { name: "rtr3" }, { osVersion: "17.0" });
  expect([rtr3.osVersion, created]).toEqual(["17.0", true]);
  await expect(a.add(new Device({ name: "rtr3", osVersion: "1.0" }))).rejects.toThrow(ObjectAlreadyExists);

  await a.remove(rtr1, { removeChildren: true });
  expect(await a.count(Interface)).toBe(1);
  expect(Object.keys((await a.toDict()).device ?? {})).toEqual(["rtr2", "rtr3"]);
});
