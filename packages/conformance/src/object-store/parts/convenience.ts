import assert from "node:assert/strict";
import { storeTest } from "../fixture.js";
import { Device, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/**
 * The four convenience methods, with diffsync's `[object, created]` results; every change they
 * make must reach the backend (diffsync loses them on Redis), which is read back through a second
 * store instance when the options have `reopen`.
 */
export function describeConvenience(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("getOrInstantiate creates once, then returns the stored object and ignores attrs", storeTest(options, async ({ store, reread }) => {
    const [created, wasCreated] = await store.getOrInstantiate(Device, { name: "r1" }, { role: "core" });
    assert.equal(wasCreated, true);
    assert.ok(created instanceof Device);
    assert.equal(created.role, "core");
    const [found, again] = await store.getOrInstantiate(Device, { name: "r1" }, { role: "edge" });
    assert.equal(again, false);
    assert.equal(found.role, "core");
    const view = await reread();
    assert.equal((await view.get(Device, "r1")).role, "core");
    assert.equal(await view.count(Device), 1);
  }));

  it("getOrAddModelInstance adds a new object, or returns the stored one unchanged", storeTest(options, async ({ store, reread }) => {
    const [added, wasAdded] = await store.getOrAddModelInstance(new Device({ name: "r1", role: "core" }));
    assert.equal(wasAdded, true);
    assert.equal(added.role, "core");
    const [found, again] = await store.getOrAddModelInstance(new Device({ name: "r1", role: "edge" }));
    assert.equal(again, false);
    assert.equal(found.role, "core");
    assert.equal((await (await reread()).get(Device, "r1")).role, "core");
  }));

  it("updateOrInstantiate creates, then updates the attributes that differ, persistently", storeTest(options, async ({ store, reread }) => {
    const [created, wasCreated] = await store.updateOrInstantiate(Site, { region: "eu", name: "ams" }, { label: "A" });
    assert.equal(wasCreated, true);
    assert.equal(created.label, "A");
    assert.equal((await (await reread()).get(Site, "eu__ams")).label, "A");
    const [updated, again] = await store.updateOrInstantiate(Site, { region: "eu", name: "ams" }, { label: "Amsterdam" });
    assert.equal(again, false);
    assert.equal(updated.label, "Amsterdam");
    const view = await reread();
    assert.equal((await view.get(Site, "eu__ams")).label, "Amsterdam", "the update reached the backend");
    assert.equal(await view.count(Site), 1);
  }));

  it("updateOrAddModelInstance adds, then copies every attribute onto the stored object, persistently", storeTest(options, async ({ store, reread }) => {
    const [added, wasAdded] = await store.updateOrAddModelInstance(new Device({ name: "r1", role: "core", serial: "S1" }));
    assert.equal(wasAdded, true);
    assert.equal(added.serial, "S1");
    const [updated, again] = await store.updateOrAddModelInstance(new Device({ name: "r1", role: null, serial: "S2" }));
    assert.equal(again, false);
    assert.deepEqual(updated.getAttrs(), { role: null, serial: "S2" });
    const stored = await (await reread()).get(Device, "r1");
    assert.deepEqual(stored.getAttrs(), { role: null, serial: "S2" }, "the update reached the backend");
  }));
}
