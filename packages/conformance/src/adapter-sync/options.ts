import type { BaseStore } from "@stowage/core";

/** Options of {@link describeAdapterSync}. */
export interface AdapterSyncSuiteOptions<S extends BaseStore = BaseStore> {
  /** The store's name, shown in the `describe` titles. */
  name: string;
  /**
   * Opens a fresh, empty store; each test opens one per adapter (two or more) and closes them at
   * the end. The adapter registers its model classes with it.
   */
  createStore: () => S | Promise<S>;
  /**
   * Deadline of each test, in ms (default 120,000): a test still running then fails with its name,
   * so a store that never answers fails the suite instead of hanging it (`node:test` has no
   * timeout of its own).
   */
  testDeadlineMs?: number;
}

/** Where a test's source and destination stores come from. */
export interface Pairing {
  /** Shown in the `describe` title: `MemoryStore -> X`. */
  title: string;
  /** The source adapter's store: the one under test, or a MemoryStore. */
  source: "store" | "memory";
  /** The destination adapter's store. */
  dest: "store" | "memory";
}

/** memory -> X, X -> memory, X -> X: the store under test as source, as destination, and as both. */
export function pairingsFor(name: string): Pairing[] {
  return [
    { title: `MemoryStore -> ${name}`, source: "memory", dest: "store" },
    { title: `${name} -> MemoryStore`, source: "store", dest: "memory" },
    { title: `${name} -> ${name}`, source: "store", dest: "store" },
  ];
}
