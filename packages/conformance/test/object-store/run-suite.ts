import type { BaseStore } from "@stowage/core";
import { describeObjectStore, type ObjectStoreSuiteOptions } from "../../src/index.js";

/**
 * Declares the suite with a runner that only collects the tests, runs them all, and returns each
 * test's full name with its failure (or `undefined` when it passed).
 */
export async function runSuite<S extends BaseStore>(options: ObjectStoreSuiteOptions<S>): Promise<Map<string, unknown>> {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
  const path: string[] = [];
  describeObjectStore(
    {
      describe(name, fn) {
        path.push(name);
        fn();
        path.pop();
      },
      it(name, fn) {
        tests.push({ name: [...path.slice(1), name].join(" > "), fn });
      },
    },
    options,
  );
  const results = new Map<string, unknown>();
  for (const test of tests) {
    try {
      await test.fn();
      results.set(test.name, undefined);
    } catch (error) {
      results.set(test.name, error);
    }
  }
  return results;
}

/** The names of the tests that failed. */
export function failed(results: Map<string, unknown>): string[] {
  return [...results].filter(([, error]) => error !== undefined).map(([name]) => name);
}
