import assert from "node:assert/strict";
import {
  InvalidObjectError,
  ObjectAlreadyExists,
  ObjectNotFound,
  ObjectStoreError,
  ObjectStoreWrongType,
  StowageError,
} from "@stowage/core";
import { expectRejects, storeTest } from "../fixture.js";
import { Device, Rack, Site } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** Bad input is refused with typed errors and changes nothing; the model errors are typed too. */
export function describeErrors(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("bad input is refused with InvalidObjectError and changes nothing", storeTest(options, async ({ store, reread }) => {
    await store.add(new Device({ name: "keep" }));
    const notModels: unknown[] = [null, undefined, "device", { getType: () => "device", getUniqueId: () => "x" }];
    for (const value of notModels) {
      await expectRejects(() => store.add(value as Device), InvalidObjectError, `add(${String(value)})`);
      await expectRejects(() => store.update(value as Device), InvalidObjectError, `update(${String(value)})`);
      await expectRejects(() => store.remove(value as Device), InvalidObjectError, `remove(${String(value)})`);
    }
    await expectRejects(() => store.get("", "x"), InvalidObjectError, "an empty type name");
    const broken = new Device({ name: "broken" });
    (broken as unknown as Record<string, unknown>).name = { not: "an identifier" };
    await expectRejects(() => store.add(broken), InvalidObjectError, "an object whose identifier was set to an object");
    const view = await reread();
    assert.equal(await view.count(), 1);
    assert.deepEqual([...(await view.getAllModelNames())], ["device"]);
  }));

  it("model child errors are typed and name both objects", storeTest(options, async () => {
    const site = new Site({ region: "eu", name: "ams" });
    const rack = new Rack({ site: "eu__ams", number: 1 });
    site.addChild(rack);
    const twice = (() => {
      try {
        site.addChild(rack);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    assert.ok(twice instanceof ObjectAlreadyExists, "adding a child twice throws ObjectAlreadyExists");
    assert.equal(twice.incoming, rack);
    assert.match(twice.message, /rack ".*ams__1" .*site "eu__ams"/);
    assert.throws(() => site.addChild(new Device({ name: "d" })), ObjectStoreWrongType);
    assert.throws(() => site.removeChild(new Device({ name: "d" })), ObjectStoreWrongType);
    site.removeChild(rack);
    assert.throws(() => site.removeChild(rack), ObjectNotFound);
  }));

  it("every object-store error is a StowageError with a stable code", storeTest(options, async ({ store }) => {
    const missing = await expectRejects(() => store.get(Device, "nope"), ObjectNotFound, "get(nope)");
    const invalid = await expectRejects(() => store.get("unknown", { x: 1 }), InvalidObjectError, "identifiers without class");
    for (const [error, code] of [
      [missing, "E_OBJECT_NOT_FOUND"],
      [invalid, "E_OBJECT_INVALID"],
    ] as const) {
      assert.ok(error instanceof StowageError && error instanceof ObjectStoreError);
      assert.equal(error.code, code);
      assert.equal(error.name, error.constructor.name);
    }
  }));
}
