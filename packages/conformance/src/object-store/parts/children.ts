import assert from "node:assert/strict";
import { ObjectNotFound, type BaseStore } from "@stowage/core";
import { expectRejects, storeTest, uidsOf } from "../fixture.js";
import { Device, Rack, Region, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/**
 * Adds a region with two sites, each with two racks, each with two devices (three levels of
 * children), plus a second region with one site, and returns the first region.
 */
async function addTree(store: BaseStore): Promise<Region> {
  const region = new Region({ name: "eu" });
  for (const siteName of ["ams", "fra"]) {
    const site = new Site({ region: "eu", name: siteName });
    for (const number of [1, 2]) {
      const rack = new Rack({ site: site.getUniqueId(), number });
      for (const unit of ["a", "b"]) {
        const device = new Device({ name: `${siteName}-${number}-${unit}` });
        rack.addChild(device);
        await store.add(device);
      }
      site.addChild(rack);
      await store.add(rack);
    }
    region.addChild(site);
    await store.add(site);
  }
  await store.add(region);
  const other = new Region({ name: "us" });
  const nyc = new Site({ region: "us", name: "nyc" });
  other.addChild(nyc);
  await store.add(nyc);
  await store.add(other);
  return region;
}

/** Child lists round-trip; `remove` with `removeChildren` walks three levels depth-first. */
export function describeChildren(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("child uid lists are stored with their parent", storeTest(options, async ({ store, reread }) => {
    await addTree(store);
    const view = await reread();
    const region = await view.get(Region, "eu");
    assert.deepEqual(region.getChildUids("site"), ["eu__ams", "eu__fra"]);
    const site = await view.get(Site, "eu__ams");
    // A rack's `site` identifier holds the site's uid, `__` and all: escaped in the rack's uid.
    assert.deepEqual(site.racks, ["eu\\_\\_ams__1", "eu\\_\\_ams__2"]);
    const racks = await view.getByUids(site.racks, Rack);
    assert.deepEqual(racks.map((rack) => rack.devices), [["ams-1-a", "ams-1-b"], ["ams-2-a", "ams-2-b"]]);
  }));

  it("remove with removeChildren removes three levels of children and nothing else", storeTest(options, async ({ store, reread }) => {
    const region = await addTree(store);
    assert.equal(await store.count(), 2 + 3 + 4 + 8);
    await store.remove(region, { removeChildren: true });
    const view = await reread();
    assert.deepEqual(uidsOf(await view.getAll(Region)), ["us"]);
    assert.deepEqual(uidsOf(await view.getAll(Site)), ["us__nyc"]);
    assert.equal(await view.count(Rack), 0);
    assert.equal(await view.count(Device), 0);
    assert.equal(await view.count(), 2);
  }));

  it("remove without removeChildren leaves the children", storeTest(options, async ({ store, reread }) => {
    const region = await addTree(store);
    await store.remove(region);
    const view = await reread();
    assert.equal(await view.count(Region), 1);
    assert.equal(await view.count(Site), 3);
    assert.equal(await view.count(Device), 8);
  }));

  it("a listed child that is not stored is skipped, and its siblings are still removed", storeTest(options, async ({ store, reread }) => {
    const region = await addTree(store);
    await store.remove(await store.get(Rack, { site: "eu__ams", number: 1 }), { removeChildren: true });
    await store.remove(await store.get(Device, "fra-2-b"));
    await store.remove(region, { removeChildren: true });
    const view = await reread();
    assert.equal(await view.count(Site), 1);
    assert.equal(await view.count(Rack), 0);
    assert.equal(await view.count(Device), 0);
    await expectRejects(() => view.remove(region, { removeChildren: true }), ObjectNotFound, "removing the removed region");
  }));

  it("children are found through the stored parent, even when the object passed is stale", storeTest(options, async ({ store, reread }) => {
    const site = new Site({ region: "eu", name: "ams" });
    await store.add(site);
    const stored = await store.get(Site, "eu__ams");
    const rack = new Rack({ site: "eu__ams", number: 7 });
    await store.add(rack);
    stored.addChild(rack);
    await store.update(stored);
    const stale = new Site({ region: "eu", name: "ams" });
    await store.remove(stale, { removeChildren: true });
    assert.equal(await (await reread()).count(Rack), 0);
  }));
}
