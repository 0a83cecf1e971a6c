import assert from "node:assert/strict";
import { InvalidObjectError, type JsonValue } from "@stowage/core";
import { expectRejects, storeTest } from "../fixture.js";
import { Everything } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** Values of every supported attribute type, including the awkward ones. */
const CASES: Record<string, ConstructorParameters<typeof Everything>[0]> = {
  plain: { id: "plain", text: "hello", integer: 42, float: 0.1, flag: true, nothing: null, list: [1, "a"], object: { a: 1 } },
  edges: {
    id: "edges",
    text: "",
    integer: Number.MAX_SAFE_INTEGER,
    float: -2.5e-300,
    flag: false,
    nothing: null,
    list: [],
    object: {},
  },
  awkward: {
    id: "awkward",
    text: 'quotes " \' \\ newline \n tab \t nul \u0000 emoji 😀 rtl \u202e',
    integer: -1,
    float: 1e300,
    flag: true,
    nothing: null,
    list: [null, true, 0.30000000000000004, [[[]]], { deep: [{ deeper: "x" }] }],
    object: JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "": "empty key", "a.b": [1, {"c": null}]}') as {
      [key: string]: JsonValue;
    },
  },
};

/** Every supported attribute type reads back exactly as written; unsupported ones are refused. */
export function describeJson(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("every supported attribute type round-trips exactly", storeTest(options, async ({ store, reread }) => {
    for (const fields of Object.values(CASES)) await store.add(new Everything(fields));
    const view = await reread();
    for (const [name, fields] of Object.entries(CASES)) {
      const back = await view.get(Everything, name);
      assert.deepStrictEqual(back.getAttrs(), new Everything(fields).getAttrs(), `${name} round-trips`);
      assert.equal(Number.isInteger(back.integer), true, `${name}: integers stay integers`);
      assert.equal(Object.getPrototypeOf(back.object), Object.prototype, `${name}: a "__proto__" key stays data`);
    }
    assert.equal(({} as { polluted?: boolean }).polluted, undefined, "nothing polluted Object.prototype");
  }));

  it("values JSON cannot carry are refused with InvalidObjectError and nothing is stored", storeTest(options, async ({ store, reread }) => {
    const bad: [string, unknown][] = [
      ["a Date", new Date(0)],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["undefined", undefined],
      ["a bigint", 1n],
      ["a Map", new Map()],
      ["a function", () => 1],
      ["a nested Date", { when: [new Date(0)] }],
    ];
    for (const [what, value] of bad) {
      const obj = new Everything(CASES.plain as ConstructorParameters<typeof Everything>[0]);
      (obj as unknown as Record<string, unknown>).object = value;
      await expectRejects(() => store.add(obj), InvalidObjectError, `add with ${what}`);
      await expectRejects(() => store.update(obj), InvalidObjectError, `update with ${what}`);
    }
    assert.equal(await (await reread()).count(), 0);
  }));
}
