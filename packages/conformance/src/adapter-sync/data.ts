import type { AdapterDict } from "@stowage/core";

/**
 * The device/interface example. Against {@link EXAMPLE_DEST}: r1 is updated (role), its eth0
 * updated (mtu), eth1 created and eth9 deleted; r2 is created with its eth0; r3 is deleted with its
 * eth0; r4 is unchanged; vlan 10 is updated, vlan 20 created, and vlan 30 (destination only) kept,
 * because the Vlan class has SKIP_UNMATCHED_DST.
 */
export const EXAMPLE_SOURCE: AdapterDict = {
  device: {
    r1: { name: "r1", role: "spine", interfaces: ["r1__eth0", "r1__eth1"] },
    r2: { name: "r2", role: "leaf", interfaces: ["r2__eth0"] },
    r4: { name: "r4", role: "leaf", interfaces: [] },
  },
  interface: {
    r1__eth0: { device: "r1", name: "eth0", description: "uplink", mtu: 9000 },
    r1__eth1: { device: "r1", name: "eth1", description: "new", mtu: 1500 },
    r2__eth0: { device: "r2", name: "eth0", description: "r2 uplink", mtu: 1500 },
  },
  vlan: { "10": { vid: 10, label: "users" }, "20": { vid: 20, label: "voice" } },
};

/** The destination side of the example. */
export const EXAMPLE_DEST: AdapterDict = {
  device: {
    r1: { name: "r1", role: "leaf", interfaces: ["r1__eth0", "r1__eth9"] },
    r3: { name: "r3", role: "leaf", interfaces: ["r3__eth0"] },
    r4: { name: "r4", role: "leaf", interfaces: [] },
  },
  interface: {
    r1__eth0: { device: "r1", name: "eth0", description: "uplink", mtu: 1500 },
    r1__eth9: { device: "r1", name: "eth9", description: "old", mtu: 1500 },
    r3__eth0: { device: "r3", name: "eth0", description: "r3", mtu: 1500 },
  },
  vlan: { "10": { vid: 10, label: "staff" }, "30": { vid: 30, label: "legacy" } },
};

/** The example's diff as plain data. */
export const EXAMPLE_DIFF_DICT = {
  device: {
    r1: {
      "-": { role: "leaf" },
      "+": { role: "spine" },
      interface: {
        eth0: { "-": { mtu: 1500 }, "+": { mtu: 9000 } },
        eth1: { "+": { description: "new", mtu: 1500 } },
        eth9: { "-": { description: "old", mtu: 1500 } },
      },
    },
    r2: { "+": { role: "leaf" }, interface: { eth0: { "+": { description: "r2 uplink", mtu: 1500 } } } },
    r3: { "-": { role: "leaf" }, interface: { eth0: { "-": { description: "r3", mtu: 1500 } } } },
  },
  vlan: { "10": { "-": { label: "staff" }, "+": { label: "users" } }, "20": { "+": { label: "voice" } } },
};

/** A device/interface pair of dicts built from a few devices: `name -> [role, interface descriptions]`. */
export function devices(spec: Record<string, [string, string[]]>): AdapterDict {
  const dict: AdapterDict = { device: {}, interface: {} };
  for (const [name, [role, descriptions]] of Object.entries(spec)) {
    const uids = descriptions.map((_, index) => `${name}__eth${index}`);
    (dict.device as AdapterDict[string])[name] = { name, role, interfaces: uids };
    descriptions.forEach((description, index) => {
      (dict.interface as AdapterDict[string])[`${name}__eth${index}`] = { device: name, name: `eth${index}`, description, mtu: 1500 };
    });
  }
  return dict;
}

/** A three-level dict: `site -> region -> device -> [role, interface descriptions]`. */
export function sites(spec: Record<string, [string, Record<string, [string, string[]]>]>): AdapterDict {
  const dict: AdapterDict = { site: {}, device: {}, interface: {} };
  for (const [site, [region, siteDevices]] of Object.entries(spec)) {
    (dict.site as AdapterDict[string])[site] = { name: site, region, meta: { contact: `noc@${site}` }, devices: Object.keys(siteDevices) };
    const inner = devices(siteDevices);
    Object.assign(dict.device as object, inner.device);
    Object.assign(dict.interface as object, inner.interface);
  }
  return dict;
}
