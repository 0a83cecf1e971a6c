import assert from "node:assert/strict";
import { Diff, DiffClassMismatch, type DiffElement, type DiffSyncStage } from "@stowage/core";
import { EXAMPLE_DEST, EXAMPLE_DIFF_DICT, EXAMPLE_SOURCE } from "../data.js";
import { assertConsistent, assertInSync, expectRejects, snapshot, syncTest } from "../fixture.js";
import { Device, DeviceNetwork, Interface } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** Interfaces in reverse shortname order; everything else as added. */
class ReversedInterfaces extends Diff {
  protected override orderChildren(type: string, elements: readonly DiffElement[]): Iterable<DiffElement> {
    return type === "interface" ? [...elements].sort((a, b) => b.shortname.localeCompare(a.shortname)) : elements;
  }
}

/** The device/interface example: diff, sync, re-diff, and the diff's forms, options and events. */
export function describeExample(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  test("the diff holds each create, update and delete with its attribute values", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.diffFrom(src);
    assert.deepEqual(diff.summary(), { create: 4, update: 3, delete: 3, "no-change": 1, skip: 1 });
    assert.deepEqual(diff.toDict(), EXAMPLE_DIFF_DICT);
    assert.equal(diff.size, 11);
    assert.deepEqual(diff.groups(), ["device", "vlan"], "groups follow the destination's topLevel order");
    const byName = new Map([...diff].map((element) => [`${element.type} ${element.shortname}`, element]));
    assert.deepEqual([...byName.keys()].sort(), ["device r1", "device r2", "device r3", "device r4", "vlan 10", "vlan 20"]);
    assert.equal(byName.get("device r1")?.action, "update");
    assert.equal(byName.get("device r2")?.action, "create");
    assert.equal(byName.get("device r3")?.action, "delete");
    assert.equal(byName.get("device r4")?.action, null);
    assert.deepEqual(byName.get("device r1")?.identifiers, { name: "r1" });
    const r1Children = [...(byName.get("device r1")?.getChildren() ?? [])];
    assert.deepEqual(r1Children.map((e) => [e.shortname, e.action]), [["eth0", "update"], ["eth1", "create"], ["eth9", "delete"]],
      "children: the source's list order, then destination-only children");
    assert.deepEqual(r1Children[0]?.identifiers, { device: "r1", name: "eth0" });
    assert.deepEqual(r1Children[0]?.getAttrsDiffs(), { "-": { mtu: 1500 }, "+": { mtu: 9000 } });
    const text = diff.str();
    for (const line of ["device", "  device: r1", "    role    src(spine)    dst(leaf)", "      interface: eth1 MISSING in dst",
      "      interface: eth9 MISSING in src", "  device: r3 MISSING in src", "  vlan: 20 MISSING in dst"]) {
      assert.ok(text.split("\n").includes(line), `diff text should have the line ${JSON.stringify(line)}:\n${text}`);
    }
    assert.ok(!text.includes("r4"), "unchanged objects are left out of the text");
    assert.deepEqual([...diff].map((e) => e.shortname), [...diff.getChildren()].map((e) => e.shortname), "iteration is stable");
    assert.deepEqual(await snapshot(dst), await snapshotOf(DeviceNetwork, EXAMPLE_DEST), "a diff changes nothing");
  });

  test("a sync applies it through the hooks and the destination store; a fresh diff is then empty", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const applied = await dst.syncFrom(src);
    assert.deepEqual(applied.summary(), { create: 4, update: 3, delete: 3, "no-change": 1, skip: 1 });
    assert.deepEqual([...dst.journal].sort(), [
      "create device r2", "create interface r1__eth1", "create interface r2__eth0",
      "delete device r3", "delete interface r1__eth9", "delete interface r3__eth0",
      "update device r1", "update interface r1__eth0",
    ], "each hook ran once (Vlan keeps the default hooks, which record nothing)");
    const expected = await snapshotOf(DeviceNetwork, EXAMPLE_SOURCE, { vlan: { "30": { vid: 30, label: "legacy" } } });
    assert.deepEqual(await snapshot(dst), expected);
    assert.equal((await dst.get(Device, "r1")).role, "spine", "the update is persisted");
    assert.equal((await dst.get(Interface, "r1__eth0")).mtu, 9000, "the child's update is persisted");
    assert.deepEqual([...(await dst.get(Device, "r1")).interfaces].sort(), ["r1__eth0", "r1__eth1"]);
    await assertConsistent(dst, "after the sync");
    await assertInSync(src, dst, "after the sync");
    assert.deepEqual(dst.completed, [{ source: "src", summary: applied.summary() }], "syncComplete ran once, on the destination");
    assert.deepEqual(src.completed, []);
  });

  test("syncTo and diffTo are syncFrom and diffFrom seen from the other side", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    assert.deepEqual((await src.diffTo(dst)).toDict(), EXAMPLE_DIFF_DICT);
    await src.syncTo(dst);
    await assertInSync(src, dst, "after syncTo");
    assert.equal(dst.completed.length, 1);
  });

  test("syncing again changes nothing and does not call syncComplete", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    await dst.syncFrom(src);
    const journal = dst.journal.length;
    const again = await dst.syncFrom(src);
    assert.equal(again.hasDiffs(), false);
    assert.equal(dst.journal.length, journal, "no hook ran");
    assert.equal(dst.completed.length, 1);
  });

  test("a diff given to syncFrom is applied as is; one of another class than diffClass is refused", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.diffFrom(src);
    await expectRejects(() => dst.syncFrom(src, { diff, diffClass: ReversedInterfaces }), DiffClassMismatch, "a Diff where ReversedInterfaces is asked");
    assert.deepEqual(dst.journal, [], "a refused diff changes nothing");
    assert.equal(await dst.syncFrom(src, { diff }), diff, "syncFrom resolves the diff it applied");
    await assertInSync(src, dst, "after applying a given diff");
  });

  test("a custom Diff class builds every level and orders its children", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.diffFrom(src, { diffClass: ReversedInterfaces });
    assert.ok(diff instanceof ReversedInterfaces);
    const r1 = [...diff].find((element) => element.shortname === "r1");
    assert.ok(r1?.childDiff instanceof ReversedInterfaces, "child diffs are built with the same class");
    assert.deepEqual([...r1.getChildren()].map((e) => e.shortname), ["eth9", "eth1", "eth0"]);
    await dst.syncFrom(src, { diff, diffClass: ReversedInterfaces });
    const r1Hooks = dst.journal.filter((entry) => entry.includes(" interface r1__"));
    assert.deepEqual(r1Hooks, ["delete interface r1__eth9", "create interface r1__eth1", "update interface r1__eth0"], "the sync follows the order");
    await assertInSync(src, dst, "after a sync in custom order");
  });

  test("progress is reported for both stages and ends at the total", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const reports: [DiffSyncStage, number, number][] = [];
    const diff = await dst.syncFrom(src, { onProgress: (stage, done, total) => reports.push([stage, done, total]) });
    for (const stage of ["diff", "sync"] as const) {
      const mine = reports.filter(([s]) => s === stage);
      assert.ok(mine.length > 1, `${stage}: several reports`);
      const total = stage === "diff" ? (await src.size()) + 8 : diff.size;
      assert.ok(mine.every(([, , t2]) => t2 === total), `${stage}: total ${total}`);
      assert.ok(mine.every(([, done], i) => i === 0 || done >= (mine[i - 1]?.[1] ?? 0)), `${stage}: done never goes back`);
      assert.deepEqual(mine.at(-1), [stage, total, total], `${stage}: the last report is done === total`);
    }
    assert.ok(reports.findIndex(([s]) => s === "sync") > reports.findLastIndex(([s]) => s === "diff"), "the diff stage comes first");
  });
}

async function snapshotOf(Kind: typeof DeviceNetwork, ...dicts: Parameters<DeviceNetwork["loadFromDict"]>[0][]) {
  const adapter = new Kind();
  for (const dict of dicts) await adapter.loadFromDict(dict);
  return snapshot(adapter);
}
