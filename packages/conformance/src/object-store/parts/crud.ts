import assert from "node:assert/strict";
import { InvalidObjectError, ObjectAlreadyExists, ObjectNotFound } from "@stowage/core";
import { assertSameData, expectRejects, storeTest, uidsOf } from "../fixture.js";
import { Device, DeviceUpper, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** add, get, getAll, iterate, getByUids, update, remove, count, getAllModelNames. */
export function describeCrud(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("get finds an added object by type name, class or instance, and by uid or identifiers", storeTest(options, async ({ store }) => {
    const site = new Site({ region: "eu", name: "ams", label: "Amsterdam" });
    await store.add(site);
    for (const found of [
      await store.get("site", "eu__ams"),
      await store.get(Site, "eu__ams"),
      await store.get(Site, { region: "eu", name: "ams" }),
      await store.get("site", { region: "eu", name: "ams" }),
      await store.get(site, "eu__ams"),
    ]) {
      assert.ok(found instanceof Site, "get returns an instance of the registered class");
      assertSameData(found, site, "get");
    }
  }));

  it("get of an absent object rejects with ObjectNotFound naming type and uid", storeTest(options, async ({ store }) => {
    await store.add(new Device({ name: "r1" }));
    const error = await expectRejects(() => store.get(Device, "r2"), ObjectNotFound, "get(device, r2)");
    assert.equal(error.modelType, "device");
    assert.equal(error.uid, "r2");
    assert.equal(error.code, "E_OBJECT_NOT_FOUND");
    assert.match(error.message, /device "r2"/);
    await expectRejects(() => store.get("never-stored", "x"), ObjectNotFound, "get of an unknown type");
  }));

  it("an identifiers object needs a resolvable class; bad identifiers are rejected", storeTest(options, async ({ store }) => {
    await expectRejects(() => store.get("unregistered-type", { name: "x" }), InvalidObjectError, "identifiers with an unknown type name");
    await expectRejects(() => store.get(Site, { region: "eu" } as never), InvalidObjectError, "identifiers missing one");
    await expectRejects(() => store.get(Site, { region: "eu", name: "a", extra: 1 } as never), InvalidObjectError, "identifiers with an extra key");
    await expectRejects(() => store.get(Site, 42 as never), InvalidObjectError, "a number as identifier");
  }));

  it("add of the same data is a no-op; different data under the same uid rejects with both objects", storeTest(options, async ({ store, reread }) => {
    const first = new Device({ name: "r1", role: "core" });
    await store.add(first);
    await store.add(first);
    await store.add(new Device({ name: "r1", role: "core" }));
    const incoming = new Device({ name: "r1", role: "edge" });
    const error = await expectRejects(() => store.add(incoming), ObjectAlreadyExists, "add of different data");
    assert.equal(error.incoming, incoming, "incoming is the refused object");
    assert.ok(error.existing !== undefined, "existing is the stored object");
    assertSameData(error.existing, first, "ObjectAlreadyExists.existing");
    assert.equal(error.code, "E_OBJECT_EXISTS");
    assert.match(error.message, /device "r1"/);
    const view = await reread();
    assert.equal((await view.get(Device, "r1")).role, "core", "the refused add changed nothing");
    assert.equal(await view.count(Device), 1);
  }));

  it("update replaces a stored object, or adds it", storeTest(options, async ({ store, reread }) => {
    await store.update(new Device({ name: "r1", role: "core" }));
    const changed = await store.get(Device, "r1");
    changed.role = "edge";
    await store.update(changed);
    const view = await reread();
    assert.equal((await view.get(Device, "r1")).role, "edge");
    assert.equal(await view.count(Device), 1);
  }));

  it("update of a separately built instance with the same uid replaces the stored attributes", storeTest(options, async ({ store, reread }) => {
    await store.add(new Device({ name: "r1", role: "core", serial: "A" }));
    await store.add(new Device({ name: "r2", role: "core", serial: "B" }));
    // A new instance, not the one get returned (on MemoryStore that one is the stored object itself).
    await store.update(new Device({ name: "r1", role: "edge", serial: "C" }));
    for (const [what, view] of [["the writing instance", store], ["a reread", await reread()]] as const) {
      const found = await view.get(Device, "r1");
      assert.deepEqual([found.role, found.serial], ["edge", "C"], `${what}: get returns the new attributes`);
      assert.equal(await view.count(Device), 2, `${what}: count is unchanged`);
      assert.equal((await view.get(Device, "r2")).serial, "B", `${what}: the other object is untouched`);
    }
  }));

  it("getAll and iterate return every object of a type exactly once, in a stable order", storeTest(options, async ({ store, reread }) => {
    const names = ["c", "a", "b", "e", "d"];
    for (const name of names) await store.add(new Device({ name }));
    await store.add(new Site({ region: "eu", name: "x" }));
    const view = await reread();
    const all = uidsOf(await view.getAll(Device));
    assert.deepEqual([...all].sort(), [...names].sort(), "each device once, and only devices");
    if (options.order === "insertion") assert.deepEqual(all, names, "insertion order");
    assert.deepEqual(uidsOf(await view.getAll("device")), all, "the same order on every read");
    const streamed: string[] = [];
    for await (const obj of view.iterate(Device)) streamed.push(obj.getUniqueId());
    assert.deepEqual(streamed, all, "iterate streams what getAll returns");
  }));

  it("reading an unknown type returns nothing and creates no model name", storeTest(options, async ({ store }) => {
    assert.deepEqual(await store.getAll("ghost"), []);
    assert.equal(await store.count("ghost"), 0);
    await expectRejects(() => store.get("ghost", "x"), ObjectNotFound, "get(ghost)");
    assert.deepEqual([...(await store.getAllModelNames())], []);
  }));

  it("getByUids returns objects in the order asked, repeats included; a missing uid is named", storeTest(options, async ({ store }) => {
    for (const name of ["a", "b", "c"]) await store.add(new Device({ name }));
    assert.deepEqual(uidsOf(await store.getByUids(["c", "a", "c", "b"], Device)), ["c", "a", "c", "b"]);
    assert.deepEqual(await store.getByUids([], Device), []);
    const error = await expectRejects(() => store.getByUids(["a", "zz", "b"], "device"), ObjectNotFound, "getByUids with a missing uid");
    assert.equal(error.uid, "zz");
    await expectRejects(() => store.getByUids("a" as never, Device), InvalidObjectError, "getByUids with a string");
  }));

  it("remove deletes one object; removing an absent one rejects with ObjectNotFound", storeTest(options, async ({ store, reread }) => {
    const r1 = new Device({ name: "r1" });
    await store.add(r1);
    await store.add(new Device({ name: "r2" }));
    await store.remove(r1);
    await expectRejects(() => store.remove(r1), ObjectNotFound, "second remove");
    const view = await reread();
    assert.deepEqual(uidsOf(await view.getAll(Device)), ["r2"]);
    await expectRejects(() => view.get(Device, "r1"), ObjectNotFound, "get after remove");
  }));

  it("count uses the exact type name (no case folding), or counts everything", storeTest(options, async ({ store, reread }) => {
    await store.add(new DeviceUpper({ name: "X" }));
    await store.add(new DeviceUpper({ name: "Y" }));
    await store.add(new Device({ name: "x" }));
    const view = await reread();
    assert.equal(await view.count("Device"), 2);
    assert.equal(await view.count(DeviceUpper), 2);
    assert.equal(await view.count("device"), 1);
    assert.equal(await view.count(new Device({ name: "any" })), 1);
    assert.equal(await view.count(), 3);
    assert.deepEqual(uidsOf(await view.getAll("Device")).sort(), ["X", "Y"]);
  }));

  it("getAllModelNames lists the types that have objects, and drops a type emptied by remove", storeTest(options, async ({ store, reread }) => {
    const r1 = new Device({ name: "r1" });
    const r2 = new Device({ name: "r2" });
    await store.add(r1);
    await store.add(r2);
    await store.add(new Site({ region: "eu", name: "ams" }));
    assert.deepEqual([...(await store.getAllModelNames())].sort(), ["device", "site"], "the writing instance");
    assert.deepEqual([...(await (await reread()).getAllModelNames())].sort(), ["device", "site"], "a reread");
    await store.remove(r1);
    assert.deepEqual([...(await store.getAllModelNames())].sort(), ["device", "site"], "one device is left");
    await store.remove(r2);
    assert.deepEqual([...(await store.getAllModelNames())], ["site"], "the writing instance drops the emptied type");
    assert.deepEqual([...(await (await reread()).getAllModelNames())], ["site"], "a reread drops the emptied type");
    await store.update(new Device({ name: "r3" }));
    assert.deepEqual([...(await store.getAllModelNames())].sort(), ["device", "site"], "the type is back after a new object");
  }));
}
