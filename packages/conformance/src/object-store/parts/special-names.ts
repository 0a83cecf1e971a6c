import assert from "node:assert/strict";
import { ObjectNotFound, type AnyModelClass } from "@stowage/core";
import { expectRejects, storeTest, uidsOf } from "../fixture.js";
import { TRICKY_MODELS, TRICKY_TYPE_NAMES, TRICKY_UIDS } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

type Tricky = (typeof TRICKY_MODELS)[number];

/**
 * Type names and uids with `:`, `*`, `?`, `[`, `]`, `/`, spaces and unicode work everywhere and
 * never match or collide with one another (no glob expansion, no ambiguous key joining).
 */
export function describeSpecialNames(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("every operation works with special characters in type names and uids", storeTest(options, async ({ store, reread }) => {
    for (const [index, model] of TRICKY_MODELS.entries()) {
      for (const id of TRICKY_UIDS) await store.add(new model({ id, value: index }));
    }
    const view = await reread();
    assert.deepEqual([...(await view.getAllModelNames())].sort(), [...TRICKY_TYPE_NAMES].sort());
    assert.equal(await view.count(), TRICKY_MODELS.length * TRICKY_UIDS.length);
    for (const [index, model] of TRICKY_MODELS.entries()) {
      const type = TRICKY_TYPE_NAMES[index] as string;
      assert.equal(await view.count(type), TRICKY_UIDS.length, `count(${type})`);
      assert.deepEqual(uidsOf(await view.getAll(type)).sort(), [...TRICKY_UIDS].sort(), `getAll(${type})`);
      const got = await view.getByUids([...TRICKY_UIDS].reverse(), model as AnyModelClass);
      assert.deepEqual(uidsOf(got), [...TRICKY_UIDS].reverse(), `getByUids(${type})`);
      const found = await view.findMany([...TRICKY_UIDS, "missing:*"], model as AnyModelClass);
      assert.deepEqual(found.map((obj) => obj?.getUniqueId()), [...TRICKY_UIDS, undefined], `findMany(${type}) must hand back each object with its uid as stored, unescaped`);
      for (const id of TRICKY_UIDS) {
        const obj = await view.get(model as Tricky, id);
        assert.equal(obj.value, index, `${type} ${JSON.stringify(id)} holds its own value`);
      }
    }
  }));

  it("glob characters match nothing but themselves, and joined keys do not collide", storeTest(options, async ({ store, reread }) => {
    const [, star, question, brackets, , , , devQuestion, p, pq] = TRICKY_MODELS as unknown as Tricky[];
    await store.add(new (p as Tricky)({ id: "q:r", value: 1 }));
    await store.add(new (pq as Tricky)({ id: "r", value: 2 }));
    await store.add(new (star as Tricky)({ id: "x", value: 3 }));
    await store.add(new (question as Tricky)({ id: "x", value: 4 }));
    await store.add(new (brackets as Tricky)({ id: "x", value: 5 }));
    await store.add(new (devQuestion as Tricky)({ id: "*", value: 6 }));
    const view = await reread();
    assert.equal((await view.get("p", "q:r")).getAttrs().value, 1);
    assert.equal((await view.get("p:q", "r")).getAttrs().value, 2);
    await expectRejects(() => view.get("p", "q"), ObjectNotFound, "get(p, q)");
    await expectRejects(() => view.get("p:q", "q:r"), ObjectNotFound, "get(p:q, q:r)");
    await expectRejects(() => view.get("dev?ce", "x"), ObjectNotFound, "get(dev?ce, x) must not match with*star or others");
    await expectRejects(() => view.get("with*star", "*"), ObjectNotFound, "get(with*star, *)");
    for (const type of ["p", "p:q", "with*star", "with?question", "with[brackets]", "dev?ce"]) {
      assert.equal(await view.count(type), 1, `count(${type})`);
    }
    for (const absent of ["with", "with?", "with*", "dev", "device", "devxce", "p*", "withb", "with[brackets"]) {
      assert.equal(await view.count(absent), 0, `count(${absent}) matches nothing`);
      assert.deepEqual(await view.getAll(absent), [], `getAll(${absent}) matches nothing`);
    }
    assert.equal(await view.count(), 6);
    await view.remove(await view.get("p:q", "r"));
    assert.equal((await view.get("p", "q:r")).getAttrs().value, 1, "removing p:q/r left p/q:r alone");
  }));
}
