import assert from "node:assert/strict";
import { InvalidObjectError, ObjectAlreadyExists, ObjectNotFound } from "@stowage/core";
import { assertSameData, expectRejects, storeTest, uidsOf } from "../fixture.js";
import { Device, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** addMany, updateMany, removeMany and findMany: add/update/remove/getByUids for many objects. */
export function describeBulk(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;
  const devices = (count: number, role: string) => Array.from({ length: count }, (_, i) => new Device({ name: `d${i}`, role }));

  it("addMany, updateMany and removeMany change what add, update and remove would", storeTest(options, async ({ store, reread }) => {
    await store.addMany([...devices(1500, "leaf"), new Site({ region: "eu", name: "ams" })]);
    await store.addMany(devices(10, "leaf"));
    let view = await reread();
    assert.equal(await view.count(Device), 1500);
    assert.equal(await view.count(), 1501);
    await store.updateMany([...devices(3, "spine"), new Device({ name: "new", role: "spine" }), new Device({ name: "d0", role: "core" })]);
    view = await reread();
    assert.equal((await view.get(Device, "d0")).role, "core", "the last write of one uid wins");
    assert.deepEqual((await view.getByUids(["d1", "d2", "d3", "new"], Device)).map((d) => d.role), ["spine", "spine", "leaf", "spine"]);
    await store.removeMany(devices(1500, "any"));
    view = await reread();
    assert.deepEqual(uidsOf(await view.getAll(Device)), ["new"]);
    assert.deepEqual([...(await view.getAllModelNames())].sort(), ["device", "site"]);
    await store.removeMany([]);
    await store.addMany([]);
    await store.updateMany([]);
  }));

  it("addMany refuses different data under a stored uid after adding the rest; bad input changes nothing", storeTest(options, async ({ store, reread }) => {
    await store.add(new Device({ name: "r1", role: "core" }));
    const incoming = new Device({ name: "r1", role: "edge" });
    const error = await expectRejects(() => store.addMany([new Device({ name: "a" }), incoming, new Device({ name: "b" })]), ObjectAlreadyExists, "addMany over r1");
    assert.equal(error.incoming, incoming);
    assert.ok(error.existing !== undefined, "existing is the stored object");
    assertSameData(error.existing, new Device({ name: "r1", role: "core" }), "existing");
    const view = await reread();
    assert.deepEqual(uidsOf(await view.getAll(Device)).sort(), ["a", "b", "r1"]);
    assert.equal((await view.get(Device, "r1")).role, "core");
    const broken = new Device({ name: "bad" });
    (broken as unknown as { role: unknown }).role = new Date();
    for (const call of [() => store.addMany([new Device({ name: "c" }), broken]), () => store.updateMany([new Device({ name: "a", role: "x" }), broken])]) {
      await expectRejects(call, InvalidObjectError, "a batch holding an invalid object");
    }
    await expectRejects(() => store.removeMany([new Device({ name: "a" }), {} as never]), InvalidObjectError, "removeMany with a non-model");
    await expectRejects(() => store.addMany("x" as never), InvalidObjectError, "addMany of a string");
    const after = await reread();
    assert.deepEqual(uidsOf(await after.getAll(Device)).sort(), ["a", "b", "r1"], "nothing added or removed");
    assert.equal((await after.get(Device, "a")).role, null, "nothing updated");
  }));

  it("removeMany names the first object that was not stored, after removing the others", storeTest(options, async ({ store, reread }) => {
    await store.addMany(devices(3, "leaf"));
    const error = await expectRejects(() => store.removeMany([new Device({ name: "d0" }), new Device({ name: "zz" }), new Device({ name: "d2" })]), ObjectNotFound, "removeMany with zz");
    assert.equal(error.uid, "zz");
    assert.deepEqual(uidsOf(await (await reread()).getAll(Device)), ["d1"]);
  }));

  it("findMany returns objects in the order asked, undefined where absent", storeTest(options, async ({ store }) => {
    await store.addMany(devices(3, "leaf"));
    const found = await store.findMany(["d2", "zz", "d0", "d2"], Device);
    assert.deepEqual(found.map((obj) => obj?.getUniqueId()), ["d2", undefined, "d0", "d2"]);
    assert.deepEqual(await store.findMany([], "device"), []);
    await expectRejects(() => store.findMany("d0" as never, Device), InvalidObjectError, "findMany with a string");
  }));
}
