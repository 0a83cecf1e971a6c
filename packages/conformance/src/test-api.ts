/**
 * The parts of a test runner every stowage suite needs (the blob, object-store and adapter-sync
 * suites take the same one). vitest, jest and `node:test` all provide them, so `{ describe, it }`
 * (or the runner's whole module) can be passed as is.
 */
export interface TestApi {
  /** Groups tests. */
  describe: (name: string, fn: () => void) => unknown;
  /** Declares one test; the suite's test functions take no arguments and return a promise. */
  it: (name: string, fn: () => Promise<void>) => unknown;
  /**
   * Optional. Not needed: every test opens its own storage inside the test body, so a failing
   * `create()` is reported against the test that needed it. Accepted so a runner's hooks can be
   * passed along with `describe` and `it`.
   */
  beforeEach?: (fn: () => Promise<void>) => unknown;
  /**
   * Optional safety net, used by the blob suites (the others clean up inside each test): when
   * given, storages that a test opened but could not clean up (for instance because the runner
   * gave up on it after a timeout) are cleaned up after each test.
   * It assumes the suite's tests run one at a time (every runner's default): leave it out if you
   * make them concurrent.
   */
  afterEach?: (fn: () => Promise<void>) => unknown;
}
