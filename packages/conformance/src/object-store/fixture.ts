import assert from "node:assert/strict";
import { ObjectStoreError, type BaseStore, type ObjectModel } from "@stowage/core";
import { SUITE_MODELS } from "./models.js";
import type { ObjectStoreSuiteOptions } from "./options.js";

/** What each test body gets. */
export interface StoreContext {
  /** A fresh store with the suite's models registered. */
  store: BaseStore;
  /**
   * A store to check what was persisted: a second instance on the same backend when the options
   * have `reopen`, otherwise `store` itself.
   */
  reread: () => Promise<BaseStore>;
}

/** Wraps a test body: opens a store (and any reread instances) and closes them all afterwards. */
export function storeTest<S extends BaseStore>(
  options: ObjectStoreSuiteOptions<S>,
  body: (context: StoreContext) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const opened: BaseStore[] = [];
    const store = await options.create();
    opened.push(store);
    try {
      store.registerModels(...SUITE_MODELS);
      const reread = async (): Promise<BaseStore> => {
        if (options.reopen === undefined) return store;
        const other = await options.reopen(store);
        opened.push(other);
        other.registerModels(...SUITE_MODELS);
        return other;
      };
      await body({ store, reread });
    } finally {
      for (const each of opened.reverse()) await each.close();
    }
  };
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Asserts that `action` rejects (not throws synchronously) with an instance of `type`; returns the error. */
export async function expectRejects<E>(action: () => Promise<unknown>, type: ErrorClass<E>, what: string): Promise<E> {
  let pending: Promise<unknown>;
  try {
    pending = action();
  } catch (error) {
    return assert.fail(`${what} threw synchronously (${String(error)}); it must return a rejected promise`);
  }
  try {
    await pending;
  } catch (error) {
    assert.ok(error instanceof type, `${what} should fail with ${type.name}, got ${String(error)}`);
    assert.ok(error instanceof ObjectStoreError, `${what}: ${type.name} should be an ObjectStoreError`);
    return error;
  }
  return assert.fail(`${what} should have failed with ${type.name}, but it succeeded`);
}

/** The uids of `objects`, in order. */
export function uidsOf(objects: readonly ObjectModel[]): string[] {
  return objects.map((obj) => obj.getUniqueId());
}

/** Asserts that `actual` holds the same data as `expected`, as plain JSON. */
export function assertSameData(actual: ObjectModel, expected: ObjectModel, what: string): void {
  assert.deepStrictEqual(actual.toJSON(), expected.toJSON(), `${what}: stored data differs`);
}
