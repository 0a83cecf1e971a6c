import assert from "node:assert/strict";
import { Diff, type DiffElement } from "@stowage/core";
import { sites } from "../data.js";
import { assertConsistent, assertInSync, snapshot, syncTest } from "../fixture.js";
import { Device, FlatSiteNetwork, Interface, Site, SiteNetwork } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** Sites in name order (to make a move's delete come before its create). */
class SitesByName extends Diff {
  protected override orderChildren(type: string, elements: readonly DiffElement[]): Iterable<DiffElement> {
    return type === "site" ? [...elements].sort((a, b) => a.shortname.localeCompare(b.shortname)) : elements;
  }
}

const SOURCE = sites({
  ams: ["eu", { r1: ["spine", ["up", "down"]], r2: ["leaf", ["up"]] }],
  lon: ["eu", { r5: ["leaf", []] }],
});

/** Three levels of children: site -> device -> interface. */
export function describeChildren(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  test("a whole tree is created, each new child listed by its new parent", async (t) => {
    const src = await t.source(SiteNetwork, SOURCE);
    const dst = await t.dest(SiteNetwork);
    const diff = await dst.diffFrom(src);
    assert.deepEqual(diff.summary(), { create: 8, update: 0, delete: 0, "no-change": 0, skip: 0 });
    await dst.syncFrom(src);
    assert.deepEqual(await snapshot(dst), await snapshot(src));
    assert.deepEqual([...(await dst.get(Site, "ams")).devices].sort(), ["r1", "r2"]);
    assert.deepEqual([...(await dst.get(Device, "r1")).interfaces].sort(), ["r1__eth0", "r1__eth1"]);
    const order = dst.journal.filter((entry) => entry.includes("ams") || entry.includes(" r1"));
    assert.ok(order.indexOf("create site ams") < order.indexOf("create device r1"), "parents are created before their children");
    assert.ok(order.indexOf("create device r1") < order.indexOf("create interface r1__eth0"));
    await assertConsistent(dst, "after creating a tree");
    await assertInSync(src, dst, "after creating a tree");
  });

  test("a whole subtree is deleted, parents first, and unlisted from its surviving parent", async (t) => {
    const src = await t.source(SiteNetwork, SOURCE);
    const dst = await t.dest(SiteNetwork, sites({
      ams: ["eu", { r1: ["spine", ["up", "down"]], r2: ["leaf", ["up"]], r9: ["leaf", ["a", "b"]] }],
      lon: ["eu", { r5: ["leaf", []] }],
      par: ["eu", { r7: ["leaf", ["c"]] }],
    }));
    const diff = await dst.diffFrom(src);
    assert.deepEqual(diff.summary(), { create: 0, update: 0, delete: 6, "no-change": 8, skip: 0 });
    await dst.syncFrom(src);
    assert.deepEqual(dst.journal.filter((entry) => entry.includes("r9")), ["delete device r9", "delete interface r9__eth0", "delete interface r9__eth1"]);
    assert.deepEqual([...(await dst.get(Site, "ams")).devices].sort(), ["r1", "r2"], "the surviving parent's list is persisted");
    assert.equal(await dst.count(Site), 2);
    assert.equal(await dst.count(Device), 3);
    assert.equal(await dst.count(Interface), 3);
    await assertConsistent(dst, "after deleting subtrees");
    await assertInSync(src, dst, "after deleting subtrees");
  });

  test("an update three levels down reaches the destination store", async (t) => {
    const src = await t.source(SiteNetwork, sites({ ams: ["eu", { r1: ["spine", ["renamed", "down"]] }] }));
    const dst = await t.dest(SiteNetwork, sites({ ams: ["eu", { r1: ["spine", ["up", "down"]] }] }));
    const diff = await dst.diffFrom(src);
    assert.deepEqual(diff.summary(), { create: 0, update: 1, delete: 0, "no-change": 3, skip: 0 });
    const unchanged = { "-": {}, "+": {} }; // an object on both sides always has both, as in diffsync
    assert.deepEqual(diff.toDict(), {
      site: { ams: { ...unchanged, device: { r1: { ...unchanged, interface: { eth0: { "-": { description: "up" }, "+": { description: "renamed" } } } } } } },
    });
    assert.ok(diff.str().includes("          interface: eth0\n            description    src(renamed)    dst(up)"), diff.str());
    await dst.syncFrom(src);
    assert.deepEqual(dst.journal, ["update interface r1__eth0"]);
    assert.equal((await dst.get(Interface, "r1__eth0")).description, "renamed");
    await assertInSync(src, dst, "after a deep update");
  });

  test("a device moved to another site is deleted under the old one, then created under the new one", async (t) => {
    const src = await t.source(SiteNetwork, sites({ ams: ["eu", {}], lon: ["eu", { r1: ["spine", ["up"]] }] }));
    const dst = await t.dest(SiteNetwork, sites({ ams: ["eu", { r1: ["spine", ["up"]] }], lon: ["eu", {}] }));
    // The old parent must come first, whatever order the stores list sites in: order them by name.
    await dst.syncFrom(src, { diffClass: SitesByName });
    assert.deepEqual(dst.journal, ["delete device r1", "delete interface r1__eth0", "create device r1", "create interface r1__eth0"]);
    assert.deepEqual((await dst.get(Site, "ams")).devices, []);
    assert.deepEqual((await dst.get(Site, "lon")).devices, ["r1"]);
    await assertConsistent(dst, "after a move");
    await assertInSync(src, dst, "after a move");
  });

  test("attribute values are compared deeply, whatever their key order", async (t) => {
    const src = await t.source(SiteNetwork, { site: { ams: { name: "ams", region: "eu", meta: { a: 1, b: [1, { c: 2 }] } } } });
    const dst = await t.dest(SiteNetwork, { site: { ams: { name: "ams", region: "eu", meta: { b: [1, { c: 2 }], a: 1 } } } });
    assert.equal((await dst.diffFrom(src)).hasDiffs(), false);
    const changed = await t.source(SiteNetwork, { site: { ams: { name: "ams", region: "eu", meta: { a: 1, b: [1, { c: 3 }] } } } });
    const diff = await dst.syncFrom(changed);
    assert.deepEqual(diff.toDict(), { site: { ams: { "-": { meta: { b: [1, { c: 2 }], a: 1 } }, "+": { meta: { a: 1, b: [1, { c: 3 }] } } } } });
    assert.deepEqual((await dst.get(Site, "ams")).meta, { a: 1, b: [1, { c: 3 }] });
  });

  test("children are compared only for child types both sides declare; the others count as skipped", async (t) => {
    const src = await t.source(SiteNetwork, SOURCE);
    const dst = await t.dest(FlatSiteNetwork, { site: { ams: { name: "ams", region: "us" } } });
    const diff = await dst.diffFrom(src);
    assert.deepEqual(diff.summary(), { create: 1, update: 1, delete: 0, "no-change": 0, skip: 3 });
    await dst.syncFrom(src);
    assert.deepEqual(await snapshot(dst), { site: { ams: { name: "ams", region: "eu", meta: { contact: "noc@ams" } }, lon: { name: "lon", region: "eu", meta: { contact: "noc@lon" } } } });
    await assertInSync(src, dst, "after a sync into flat sites");
  });
}
