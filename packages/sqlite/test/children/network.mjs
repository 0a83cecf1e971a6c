// The network both child scripts sync: 300 devices with 4 interfaces each (1,500 objects, more
// than one batch of the sync engine's writes, 1,000).
import { Adapter, defineModel, joinUid } from "@stowage/core";

export class Device extends defineModel()({
  type: "device",
  identifiers: ["name"],
  attributes: ["site"],
  children: { interface: "interfaces" },
}) {}

export class Interface extends defineModel()({
  type: "interface",
  identifiers: ["device", "name"],
  attributes: ["mtu"],
}) {}

export class Network extends Adapter {
  static models = [Device, Interface];
  static topLevel = ["device"];
}

export const DEVICES = 300;
export const INTERFACES = 4;

/** The source's data, as an AdapterDict. */
export function network() {
  const device = {};
  const iface = {};
  for (let d = 0; d < DEVICES; d++) {
    const name = `r${String(d).padStart(3, "0")}`;
    const uids = [];
    for (let i = 0; i < INTERFACES; i++) {
      const uid = joinUid([name, `eth${i}`]);
      uids.push(uid);
      iface[uid] = { device: name, name: `eth${i}`, mtu: 1500 + i };
    }
    device[name] = { name, site: `site${d % 7}`, interfaces: uids };
  }
  return { device, interface: iface };
}

/** How many stored families are not whole: a device listing an unstored interface, or a stored interface its device does not list. */
export async function brokenFamilies(store) {
  let broken = 0;
  const listed = new Set();
  for await (const device of store.iterate(Device)) {
    const uids = device.getChildUids("interface");
    uids.forEach((uid) => listed.add(uid));
    if ((await store.findMany(uids, Interface)).includes(undefined)) broken++;
  }
  for await (const iface of store.iterate(Interface)) if (!listed.has(iface.getUniqueId())) broken++;
  return broken;
}
