import assert from "node:assert/strict";
import { ObjectNotFound } from "@stowage/core";
import { assertSameData, expectRejects, storeTest, uidsOf } from "../fixture.js";
import { Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/**
 * Identifier tuples that diffsync's plain `__` join maps to one uid: each pair must stay two
 * objects on every store (issue 14). `Site` is identified by (`region`, `name`).
 */
export const COLLIDING_SITES: readonly (readonly [{ region: string; name: string }, { region: string; name: string }])[] = [
  [{ region: "r1__core", name: "eth0" }, { region: "r1", name: "core__eth0" }],
  [{ region: "a_", name: "b" }, { region: "a", name: "_b" }],
  [{ region: "a\\", name: "_b" }, { region: "a\\_", name: "b" }],
  [{ region: "", name: "__" }, { region: "__", name: "" }],
];

/** Distinct identifier tuples never share a uid: get, update, remove and count keep them apart. */
export function describeIdentities(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("identifier tuples that a plain __ join confuses are distinct objects with distinct uids", storeTest(options, async ({ store, reread }) => {
    const sites = COLLIDING_SITES.flatMap(([first, second], pair) => [
      new Site({ ...first, label: `first of pair ${pair}` }),
      new Site({ ...second, label: `second of pair ${pair}` }),
    ]);
    assert.equal(new Set(uidsOf(sites)).size, sites.length, `uids must differ: ${JSON.stringify(uidsOf(sites))}`);
    for (const site of sites) await store.add(site);
    const view = await reread();
    assert.equal(await view.count(Site), sites.length, "every tuple is its own object");
    for (const site of sites) {
      assertSameData(await view.get(Site, site.getIdentifiers()), site, `get(${JSON.stringify(site.getIdentifiers())})`);
      assertSameData(await view.get(Site, site.getUniqueId()), site, `get(${JSON.stringify(site.getUniqueId())})`);
    }
    assert.deepEqual(uidsOf(await view.getAll(Site)).sort(), uidsOf(sites).sort());
  }));

  it("update and remove of one of two confusable tuples leave the other alone", storeTest(options, async ({ store, reread }) => {
    const [first, second] = COLLIDING_SITES[0] as (typeof COLLIDING_SITES)[number];
    await store.add(new Site({ ...first, label: "first" }));
    await store.add(new Site({ ...second, label: "second" }));
    await store.update(new Site({ ...second, label: "second, changed" }));
    let view = await reread();
    assert.equal((await view.get(Site, first)).label, "first", "updating the second left the first as it was");
    assert.equal((await view.get(Site, second)).label, "second, changed");
    assert.equal(await view.count(Site), 2);
    await store.remove(new Site({ ...second, label: "" }));
    view = await reread();
    assert.equal((await view.get(Site, first)).label, "first", "removing the second left the first");
    await expectRejects(() => view.get(Site, second), ObjectNotFound, "get of the removed second");
    assert.equal(await view.count(Site), 1);
  }));
}
