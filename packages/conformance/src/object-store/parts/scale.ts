import assert from "node:assert/strict";
import { storeTest, uidsOf } from "../fixture.js";
import { Device, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** The default size of the large store. */
export const DEFAULT_LARGE_COUNT = 10_000;

/** A store of many objects: getAll, iterate, count and getByUids stay exact. */
export function describeScale(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;
  const total = options.largeCount ?? DEFAULT_LARGE_COUNT;

  it(`holds ${total} objects: getAll, iterate, count and getByUids stay exact`, storeTest(options, async ({ store, reread }) => {
    const names = Array.from({ length: total }, (_, index) => `d${String((index * 7919) % total).padStart(6, "0")}`);
    for (const name of names) await store.add(new Device({ name, serial: name.toUpperCase() }));
    await store.add(new Site({ region: "eu", name: "only" }));
    const view = await reread();
    assert.equal(await view.count(Device), total);
    assert.equal(await view.count(), total + 1);
    const all = await view.getAll(Device);
    assert.equal(all.length, total);
    const uids = uidsOf(all);
    assert.equal(new Set(uids).size, total, "each object once");
    if (options.order === "insertion") assert.deepEqual(uids, names, "insertion order");
    else assert.deepEqual([...uids].sort(), [...names].sort());
    assert.ok(all.every((obj) => obj.serial === obj.name.toUpperCase()), "each object holds its own data");
    let streamed = 0;
    for await (const obj of view.iterate(Device)) {
      assert.equal(obj.getUniqueId(), uids[streamed]);
      streamed += 1;
    }
    assert.equal(streamed, total);
    const reversed = [...names].reverse();
    assert.deepEqual(uidsOf(await view.getByUids(reversed, Device)), reversed);
  }));
}
