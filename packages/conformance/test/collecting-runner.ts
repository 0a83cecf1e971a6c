import type { TestApi } from "../src/index.js";

/** The outcome of one test run by {@link CollectingRunner}. */
export interface TestResult {
  /** Group names and the test name, joined with " > ". */
  name: string;
  /** Why it failed; absent when it passed. */
  error?: unknown;
}

interface Declared {
  name: string;
  fn: () => Promise<void>;
  /** The afterEach lists of every enclosing group, read at run time (hooks may come after tests). */
  hooks: Array<Array<() => Promise<void>>>;
}

/**
 * A minimal test runner implementing {@link TestApi}: it records the suite's tests, runs them one
 * after another and reports pass or fail for each, so the suite can be tested without a runner.
 */
export class CollectingRunner implements TestApi {
  readonly #tests: Declared[] = [];
  readonly #path: string[] = [];
  readonly #hooks: Array<Array<() => Promise<void>>> = [[]];

  readonly describe = (name: string, fn: () => void): void => {
    this.#path.push(name);
    this.#hooks.push([]);
    try {
      fn();
    } finally {
      this.#path.pop();
      this.#hooks.pop();
    }
  };

  readonly it = (name: string, fn: () => Promise<void>): void => {
    this.#tests.push({ name: [...this.#path, name].join(" > "), fn, hooks: [...this.#hooks] });
  };

  readonly afterEach = (fn: () => Promise<void>): void => {
    this.#hooks.at(-1)?.push(fn);
  };

  /** Names of the declared tests. */
  get names(): string[] {
    return this.#tests.map((test) => test.name);
  }

  /** Runs the tests whose name contains `filter` (all by default), in order. */
  async run(filter = ""): Promise<TestResult[]> {
    const results: TestResult[] = [];
    for (const test of this.#tests.filter((declared) => declared.name.includes(filter))) {
      const result: TestResult = { name: test.name };
      try {
        await test.fn();
      } catch (error) {
        result.error = error;
      }
      for (const hook of test.hooks.flat()) {
        try {
          await hook();
        } catch (error) {
          result.error ??= error;
        }
      }
      results.push(result);
    }
    return results;
  }
}
