import assert from "node:assert/strict";
import type { AdapterDict } from "@stowage/core";
import { assertConsistent, assertInSync, snapshot, syncTest } from "../fixture.js";
import { DeviceNetwork } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

/**
 * Two devices whose interfaces diffsync's plain `__` join gives one uid, `r1__core__eth0`:
 * `{device: "r1__core", name: "eth0"}` and `{device: "r1", name: "core__eth0"}` (issue 14).
 */
const CONFUSABLE: AdapterDict = {
  device: {
    r1__core: { name: "r1__core", role: "leaf", interfaces: ["r1\\_\\_core__eth0"] },
    r1: { name: "r1", role: "leaf", interfaces: ["r1__core\\_\\_eth0"] },
  },
  interface: {
    "r1\\_\\_core__eth0": { device: "r1__core", name: "eth0", description: "first", mtu: 1500 },
    "r1__core\\_\\_eth0": { device: "r1", name: "core__eth0", description: "second", mtu: 9000 },
  },
};

/** A source holding identifier tuples that a plain join confuses syncs them as distinct objects. */
export function describeIdentities(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  test("objects whose identifiers a plain __ join confuses sync as two objects, without ObjectAlreadyExists", async (t) => {
    const src = await t.source(DeviceNetwork, CONFUSABLE);
    const dst = await t.dest(DeviceNetwork);
    const applied = await dst.syncFrom(src);
    assert.equal(applied.summary().create, 4, "two devices and two interfaces created");
    assert.equal(await dst.count("interface"), 2);
    assert.deepEqual(await snapshot(dst), await snapshot(src));
    await assertConsistent(dst, "after the sync");
    await assertInSync(src, dst, "after the sync");
    const changed = structuredClone(CONFUSABLE);
    (changed.interface as AdapterDict[string])["r1__core\\_\\_eth0"] = { device: "r1", name: "core__eth0", description: "second, changed", mtu: 9000 };
    const next = await t.source(DeviceNetwork, changed);
    const update = await dst.syncFrom(next);
    assert.deepEqual([update.summary().create, update.summary().update, update.summary().delete], [0, 1, 0], "one update, nothing else");
    assert.equal((await dst.get("interface", "r1\\_\\_core__eth0")).getAttrs().description, "first", "the first interface is untouched");
    assert.equal((await dst.get("interface", "r1__core\\_\\_eth0")).getAttrs().description, "second, changed");
    await assertInSync(next, dst, "after the second sync");
  });
}
