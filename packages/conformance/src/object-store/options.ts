import type { BaseStore } from "@stowage/core";

/** Options of {@link describeObjectStore}. */
export interface ObjectStoreSuiteOptions<S extends BaseStore = BaseStore> {
  /** The store's name, shown in the top-level `describe`. */
  name: string;
  /** Opens a fresh, empty store. Each test opens its own and closes it at the end. */
  create: () => S | Promise<S>;
  /**
   * For a persistent backend: opens a second store instance on the same data as `store` (a new
   * connection, as another process would). The suite reads through it to prove that every change
   * (the convenience methods' included) reached the backend, and that JSON round-trips exactly.
   * Leave it out for a store without a backend of its own (MemoryStore).
   */
  reopen?: (store: S) => S | Promise<S>;
  /**
   * What order `getAll` and `iterate` promise: `"insertion"` (MemoryStore) is checked exactly;
   * `"any"` (the default) only requires each object exactly once, in the same order on every read.
   */
  order?: "insertion" | "any";
  /** Objects in the large-store test. Default 10,000. */
  largeCount?: number;
  /**
   * Concurrent removes of one object: exactly one succeeds, the others reject with
   * `ObjectNotFound`. Default `true`. Turn it off only for a backend that cannot delete
   * conditionally (plain S3: two racing removers may both see the object and both succeed); the
   * race test is then left out, and single-caller `remove` is still checked.
   */
  atomicRemove?: boolean;
  /**
   * Deadline of each test, in ms (default 120,000): a test still running then fails with its name,
   * so a store that never answers fails the suite instead of hanging it (`node:test` has no
   * timeout of its own).
   */
  testDeadlineMs?: number;
}
