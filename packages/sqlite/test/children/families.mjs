// Two versions of a network of device families (a device and its interfaces) for the kill -9
// rounds: v2 changes every family of v1 (attributes, child lists), deletes some and creates others.
// Plain data and pure functions, shared by the child script (which syncs) and the test (which
// reads the file raw and classifies each family).
import { joinUid } from "@stowage/core";

/** Families (device names) in v1 ∪ v2; `STOWAGE_KILL_FAMILIES` overrides it. Over 1,000: several batches of the sync. */
export const FAMILIES = Number(process.env.STOWAGE_KILL_FAMILIES ?? 2500);

function deviceName(d) {
  return `r${String(d).padStart(5, "0")}`;
}

/**
 * The source data of `version` ("v1" or "v2") as an AdapterDict. A family of v1 has 2 to 4
 * interfaces (MTU 1500); in v2 every kept family has MTU 9000 interfaces, one more interface, and
 * some lose eth0 or change site; every tenth family exists only in v1, another tenth only in v2.
 */
export function networkVersion(version) {
  const device = {};
  const iface = {};
  const v2 = version === "v2";
  for (let d = 0; d < FAMILIES; d++) {
    if (d % 10 === (v2 ? 8 : 9)) continue;
    const name = deviceName(d);
    let ports = Array.from({ length: 2 + (d % 3) }, (_, i) => `eth${i}`);
    if (v2) {
      ports.push(`eth${ports.length}`);
      if (d % 4 === 0) ports = ports.slice(1);
    }
    const uids = ports.map((port) => joinUid([name, port]));
    ports.forEach((port, i) => (iface[uids[i]] = { device: name, name: port, mtu: v2 ? 9000 : 1500 }));
    device[name] = { name, site: v2 && d % 3 === 0 ? "moved" : `site${d % 7}`, interfaces: uids };
  }
  return { device, interface: iface };
}

/**
 * Each family's state as a canonical string, by device name: the device's site and sorted child
 * list (or none), and every interface naming that device, sorted. `devices` and `interfaces` are
 * the fields of the objects (ModelJSON `fields`), from a dict or from the file.
 */
export function familyStates(devices, interfaces) {
  const byDevice = new Map();
  for (const fields of interfaces) {
    const list = byDevice.get(fields.device) ?? [];
    list.push(`${fields.name}:${fields.mtu}`);
    byDevice.set(fields.device, list);
  }
  const states = new Map();
  const deviceFields = new Map(devices.map((fields) => [fields.name, fields]));
  for (const name of new Set([...deviceFields.keys(), ...byDevice.keys()])) {
    const fields = deviceFields.get(name);
    const device = fields === undefined ? "none" : `${fields.site} [${[...fields.interfaces].sort().join(",")}]`;
    states.set(name, `${device} / ${(byDevice.get(name) ?? []).sort().join(",")}`);
  }
  return states;
}

/** {@link familyStates} of a version's dict. */
export function expectedStates(version) {
  const dict = networkVersion(version);
  return familyStates(Object.values(dict.device), Object.values(dict.interface));
}
