// A model made with the CommonJS build must work in a store from the ESM build (and vice versa):
// an application can load both builds of @stowage/core through different dependencies.
import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { MemoryStore, type defineModel as DefineModel } from "../../src/index.js";

const cjs = createRequire(import.meta.url)("../../dist/index.cjs") as { defineModel: typeof DefineModel };

it("accepts models defined with the other build", async () => {
  class Site extends cjs.defineModel<{ name: string; label: string }>()({ type: "site", identifiers: ["name"], attributes: ["label"] }) {}
  const store = new MemoryStore();
  await store.add(new Site({ name: "ams", label: "A" }));
  const [site, created] = await store.updateOrInstantiate(Site, { name: "ams" }, { label: "B" });
  expect(created).toBe(false);
  expect(site.label).toBe("B");
  expect(await store.count("site")).toBe(1);
});
