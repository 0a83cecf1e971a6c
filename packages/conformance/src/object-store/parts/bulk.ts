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

  it("addMany names the first refused object in the order given, not another", storeTest(options, async ({ store }) => {
    await store.addMany([new Device({ name: "r1", role: "core" }), new Device({ name: "r2", role: "core" })]);
    const first = new Device({ name: "r2", role: "edge" });
    const error = await expectRejects(() => store.addMany([new Device({ name: "a" }), first, new Device({ name: "r1", role: "edge" })]), ObjectAlreadyExists, "addMany over r2, then r1");
    const named = error.incoming as unknown as Device;
    assert.equal(named, first, `addMany must name the first refused object in input order (r2), got ${named.getUniqueId()}`);
    assert.equal((error.existing as unknown as Device | undefined)?.getUniqueId(), "r2");
  }));

  it("removeMany names the first object that was not stored, in the order given, after removing the others", storeTest(options, async ({ store, reread }) => {
    await store.addMany(devices(3, "leaf"));
    const error = await expectRejects(
      () => store.removeMany([new Device({ name: "d0" }), new Device({ name: "zz" }), new Device({ name: "d2" }), new Device({ name: "yy" })]),
      ObjectNotFound,
      "removeMany with zz, then yy",
    );
    assert.equal(error.uid, "zz", `removeMany must name the first missing object in input order (zz), got ${error.uid}`);
    assert.deepEqual(uidsOf(await (await reread()).getAll(Device)), ["d1"]);
    const mixed = await expectRejects(
      () => store.removeMany([new Device({ name: "d1" }), new Site({ region: "eu", name: "gone" }), new Device({ name: "d9" })]),
      ObjectNotFound,
      "removeMany with a missing site, then a missing device",
    );
    assert.deepEqual([mixed.modelType, mixed.uid], ["site", new Site({ region: "eu", name: "gone" }).getUniqueId()], "removeMany must name the first missing object in input order, whatever its type");
  }));

  it("findMany returns objects in the order asked, undefined where absent", storeTest(options, async ({ store }) => {
    await store.addMany(devices(3, "leaf"));
    const found = await store.findMany(["d2", "zz", "d0", "d2"], Device);
    assert.deepEqual(found.map((obj) => obj?.getUniqueId()), ["d2", undefined, "d0", "d2"]);
    assert.ok(found.length === 4 && found[1] === undefined, `findMany must give undefined (not ${String(found[1])}) for a missing object`);
    assert.deepEqual(await store.findMany([], "device"), []);
    await expectRejects(() => store.findMany("d0" as never, Device), InvalidObjectError, "findMany with a string");
  }));
}
