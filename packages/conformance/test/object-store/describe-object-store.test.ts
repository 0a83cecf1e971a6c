import { describe, expect, it } from "vitest";
import { MemoryStore } from "@stowage/core";
import { describeObjectStore, type ObjectStoreSuiteOptions } from "../../src/index.js";
import {
  AttrsOnlyStore,
  CachedModelNamesStore,
  CaseFoldingStore,
  EmptyBucketStore,
  FoldingUidStore,
  GlobStore,
  LocalUpdatesStore,
  OverwritingStore,
  RacyInsertStore,
  RacyRemoveStore,
  ReorderingStore,
  UpdateOnlyNewStore,
} from "./broken-stores.js";
import { JsonStore, OneByOneJsonStore, type Backend } from "./json-store.js";
import { EscapedFindStore, LastConflictStore, LastMissingStore, NullFindStore } from "../broken/object-stores.js";
import { failed, runSuite } from "./run-suite.js";

type JsonStoreClass = new (backend?: Backend) => JsonStore;

/** Suite options for a JsonStore-like class, reopened on the same backend. */
function persistent(Store: JsonStoreClass, largeCount = 50): ObjectStoreSuiteOptions<JsonStore> {
  return { name: Store.name, create: () => new Store(), reopen: (store) => new Store(store.backend), largeCount };
}

// A correct persistent store passes the whole suite, reopened through a second instance.
describeObjectStore({ describe, it }, { ...persistent(JsonStore, 10_000), order: "insertion" });

describe("the object-store suite catches broken stores", () => {
  const cases: [string, ObjectStoreSuiteOptions<JsonStore>, RegExp[]][] = [
    ["count that folds case", persistent(CaseFoldingStore), [/count uses the exact type name/]],
    ["getMany out of order", persistent(ReorderingStore), [/getByUids returns objects in the order asked/]],
    ["insert that overwrites", persistent(OverwritingStore), [/add of the same data is a no-op/, /concurrent adds/]],
    ["insert that checks, then writes", persistent(RacyInsertStore), [/concurrent adds/, /concurrent getOrInstantiate/]],
    ["remove that checks, then deletes", persistent(RacyRemoveStore), [/concurrent removes/]],
    ["reads that create empty buckets", persistent(EmptyBucketStore), [/creates no model name/]],
    ["updates that never reach the backend", persistent(LocalUpdatesStore), [/updateOrInstantiate/, /updateOrAddModelInstance/, /update replaces/]],
    ["type names used as glob patterns", persistent(GlobStore), [/glob characters match nothing but themselves/]],
    ["uids folded by case and unicode normalization", persistent(FoldingUidStore), [/special characters in type names and uids/]],
    ["an encoder that drops child lists", persistent(AttrsOnlyStore), [/child uid lists are stored/, /removeChildren removes three levels/]],
    ["model names cached per instance", persistent(CachedModelNamesStore), [/getAllModelNames lists the types that have objects/]],
    ["an addMany that names the last refused object", persistent(LastConflictStore), [/addMany names the first refused object/]],
    ["a removeMany that names the last missing object", persistent(LastMissingStore), [/removeMany names the first object that was not stored/]],
    ["a findMany that gives null for a missing object", persistent(NullFindStore), [/findMany returns objects in the order asked/]],
    ["a findMany that hands back escaped uids", persistent(EscapedFindStore), [/special characters in type names and uids/]],
    [
      "an update that does nothing for stored objects (in memory, no second instance)",
      { name: "update-only-new", create: () => new UpdateOnlyNewStore() as unknown as JsonStore, order: "insertion", largeCount: 50 },
      [/update of a separately built instance/],
    ],
    [
      "getMany out of order, without a second instance",
      { name: "shuffled", create: () => new ReorderingStore(), order: "insertion", largeCount: 50 },
      [/getByUids/],
    ],
  ];
  for (const [what, options, expected] of cases) {
    it(`fails a store with ${what}`, async () => {
      const failures = failed(await runSuite(options));
      for (const pattern of expected) expect(failures.some((name) => pattern.test(name)), `${pattern} among ${failures.join(", ")}`).toBe(true);
    });
  }

  it("passes MemoryStore and a correct persistent store completely", async () => {
    expect(failed(await runSuite({ name: "memory", create: () => new MemoryStore(), order: "insertion", largeCount: 50 }))).toEqual([]);
    expect(failed(await runSuite(persistent(JsonStore)))).toEqual([]);
    expect(failed(await runSuite(persistent(OneByOneJsonStore)))).toEqual([]);
  });

  it("leaves the remove race out for a store declared without atomic removes, and only it", async () => {
    const results = await runSuite({ ...persistent(RacyRemoveStore), atomicRemove: false });
    expect(failed(results)).toEqual([]);
    expect([...results.keys()].some((name) => /concurrent removes/.test(name))).toBe(false);
    expect([...results.keys()].some((name) => /remove deletes one object/.test(name))).toBe(true);
  });
});
