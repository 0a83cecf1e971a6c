import { describe, expect, it } from "vitest";
import { describeAdapterSync } from "../../src/index.js";
import { DroppedChildrenStore, FirstPageOnlyStore, JsonCopyStore, LostUpdatesStore } from "./json-copy-store.js";

// Stores that return copies: every change must be written back through the store.
describeAdapterSync({ describe, it }, { name: "JsonCopyStore", createStore: () => new JsonCopyStore() });
describeAdapterSync({ describe, it }, { name: "JsonCopyStore (reversed scans)", createStore: () => new JsonCopyStore({ reverse: true }) });

/** Declares the suite into a collector instead of a runner; resolves the names of the failing tests. */
async function failingTests(createStore: () => JsonCopyStore): Promise<string[]> {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
  const path: string[] = [];
  const api = {
    describe: (name: string, fn: () => void) => {
      path.push(name);
      fn();
      path.pop();
    },
    it: (name: string, fn: () => Promise<void>) => void tests.push({ name: [...path, name].join(" > "), fn }),
  };
  describeAdapterSync(api, { name: "Broken", createStore });
  const failed: string[] = [];
  for (const test of tests) await test.fn().catch(() => failed.push(test.name));
  return failed;
}

describe("the adapter-sync suite", () => {
  it("catches a destination store that loses updates", async () => {
    const failed = await failingTests(() => new LostUpdatesStore());
    expect(failed.some((name) => name.includes("MemoryStore -> Broken") && name.includes("a fresh diff is then empty"))).toBe(true);
    expect(failed.some((name) => name.includes("an update three levels down reaches the destination store"))).toBe(true);
    expect(failed.some((name) => name.includes("Broken -> MemoryStore"))).toBe(false);
  });

  it("catches a store whose scan stops after its first page", async () => {
    const failed = await failingTests(() => new FirstPageOnlyStore());
    expect(failed.some((name) => name.includes("Broken -> MemoryStore") && name.includes("a whole tree is created"))).toBe(true);
  });

  it("catches a store that drops child lists", async () => {
    const failed = await failingTests(() => new DroppedChildrenStore());
    expect(failed.some((name) => name.includes("MemoryStore -> Broken") && name.includes("each new child listed by its new parent"))).toBe(true);
  });

  it("passes a correct store", async () => {
    expect(await failingTests(() => new JsonCopyStore())).toEqual([]);
  });
});
