import assert from "node:assert/strict";
import { MemoryStore, ObjectStoreError, schemaOf, type AdapterDict, type BaseStore, type Diff, type JsonObject } from "@stowage/core";
import type { SuiteAdapter, SuiteAdapterClass } from "./models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "./options.js";

/** What each test body gets: adapters opened on the pairing's stores. */
export interface SyncContext {
  /** Opens a source adapter of class `Kind` on the pairing's source store, loaded with `data`. */
  source<A extends SuiteAdapter>(Kind: SuiteAdapterClass<A>, data?: AdapterDict): Promise<A>;
  /** Opens a destination adapter of class `Kind` on the pairing's destination store, loaded with `data`. */
  dest<A extends SuiteAdapter>(Kind: SuiteAdapterClass<A>, data?: AdapterDict): Promise<A>;
}

/** Wraps a test body: opens the adapters it asks for and closes every store afterwards. */
export function syncTest(
  options: AdapterSyncSuiteOptions,
  pairing: Pairing,
  body: (context: SyncContext) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const opened: BaseStore[] = [];
    const open = async <A extends SuiteAdapter>(side: "source" | "dest", Kind: SuiteAdapterClass<A>, data?: AdapterDict): Promise<A> => {
      const store = pairing[side] === "memory" ? new MemoryStore() : await options.createStore();
      opened.push(store);
      const adapter = new Kind({ name: side === "source" ? "src" : "dst", store });
      if (data !== undefined) await adapter.loadFromDict(data);
      return adapter;
    };
    try {
      await body({ source: (Kind, data) => open("source", Kind, data), dest: (Kind, data) => open("dest", Kind, data) });
    } finally {
      for (const store of opened.reverse()) await store.close();
    }
  };
}

/**
 * The adapter's objects as plain data with every record and child list in sorted order, so two
 * stores holding the same objects compare equal whatever order they keep.
 */
export async function snapshot(adapter: SuiteAdapter): Promise<AdapterDict> {
  const dict = await adapter.toDict();
  const sorted: AdapterDict = {};
  for (const type of Object.keys(dict).sort()) {
    const childFields = [...schemaOf(adapter.getModelClass(type)).children.values()];
    const records: Record<string, JsonObject> = {};
    for (const uid of Object.keys(dict[type] ?? {}).sort()) {
      const fields = { ...(dict[type]?.[uid] as JsonObject) };
      for (const field of childFields) fields[field] = [...(fields[field] as string[])].sort();
      records[uid] = fields;
    }
    sorted[type] = records;
  }
  return sorted;
}

/** Asserts that a fresh diff of `source` into `dest` is empty, in every form. */
export async function assertInSync(source: SuiteAdapter, dest: SuiteAdapter, what: string): Promise<Diff> {
  const diff = await dest.diffFrom(source);
  assert.equal(diff.str(), "(no diffs)", `${what}: a fresh diff should be empty`);
  assert.equal(diff.hasDiffs(), false, `${what}: hasDiffs() should be false`);
  assert.deepEqual(diff.toDict(), {}, `${what}: toDict() should be empty`);
  const summary = diff.summary();
  assert.deepEqual([summary.create, summary.update, summary.delete], [0, 0, 0], `${what}: summary ${JSON.stringify(summary)}`);
  return diff;
}

/**
 * Asserts that parents and children agree in `adapter`'s store: every listed child is stored,
 * and every stored child (of a type some parent type lists) is listed by exactly one parent.
 */
export async function assertConsistent(adapter: SuiteAdapter, what: string): Promise<void> {
  const listed = new Map<string, number>();
  for (const model of adapter.models) {
    const { type, children } = schemaOf(model);
    for await (const parent of adapter.iterate(type)) {
      for (const childType of children.keys()) {
        const uids = parent.getChildUids(childType);
        const stored = await adapter.getByUids(uids, childType).catch((error: unknown) => {
          assert.ok(error instanceof ObjectStoreError, String(error));
          return assert.fail(`${what}: ${String(parent)} lists a ${childType} that is not stored (${error.message})`);
        });
        assert.equal(stored.length, uids.length);
        for (const uid of uids) listed.set(`${childType} ${uid}`, (listed.get(`${childType} ${uid}`) ?? 0) + 1);
      }
    }
  }
  const childTypes = new Set(adapter.models.flatMap((model) => [...schemaOf(model).children.keys()]));
  for (const childType of childTypes) {
    if (adapter.topLevel.includes(childType)) continue;
    for await (const child of adapter.iterate(childType)) {
      const count = listed.get(`${childType} ${child.getUniqueId()}`) ?? 0;
      assert.equal(count, 1, `${what}: ${String(child)} is listed by ${count} parents, not 1`);
    }
  }
}

/** Asserts that `action` rejects with an instance of `type`; returns the error. */
export async function expectRejects<E>(action: () => Promise<unknown>, type: abstract new (...args: never[]) => E, what: string): Promise<E> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof type, `${what} should fail with ${type.name}, got ${String(error)}`);
    return error;
  }
  return assert.fail(`${what} should have failed with ${type.name}, but it succeeded`);
}
