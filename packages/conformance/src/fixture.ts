import type { SnapshotStorage } from "@stowage/core";
import type { SnapshotSuiteOptions, SuiteSettings } from "./api.js";
import type { TestApi } from "./test-api.js";
import { withTestDeadline } from "./deadline.js";

/** A test body: gets a fresh storage, and `open` for the few tests that need a second one. */
export type TestBody<S> = (storage: S, open: () => Promise<S>) => Promise<void>;

/** What every part of the suite is given: grouping, test declaration and the resolved settings. */
export interface SuiteContext<S extends SnapshotStorage> {
  describe: (name: string, fn: () => void) => void;
  /** Declares a test that runs `body` against a fresh storage and always cleans it up. */
  test: (name: string, body: TestBody<S>) => void;
  settings: SuiteSettings;
  /** The adapter's debris hook ({@link SnapshotSuiteOptions.debris}), when it supplied one. */
  debris?(storage: S): Promise<readonly string[]>;
}

/**
 * Builds the context the parts use. Storages are created inside each test (not in `beforeEach`)
 * so that no state is shared between tests and every test works the same under every runner.
 */
export function createSuiteContext<S extends SnapshotStorage>(
  api: TestApi,
  options: SnapshotSuiteOptions<S>,
  settings: SuiteSettings,
): SuiteContext<S> {
  const runner = withTestDeadline(api, settings.testDeadlineMs);
  const live = new Set<S>();
  const release = async (storage: S): Promise<void> => {
    if (!live.delete(storage)) return;
    await options.cleanup?.(storage);
  };
  const open = async (): Promise<S> => {
    const storage = await options.create();
    live.add(storage);
    return storage;
  };

  let hooked = false;
  return {
    settings,
    ...(options.debris === undefined ? {} : { debris: options.debris }),
    describe: (name, fn) => {
      api.describe(name, () => {
        if (!hooked && api.afterEach) {
          // Registered once, in the outermost group, so it covers every test of this suite.
          hooked = true;
          api.afterEach(async () => {
            for (const storage of [...live]) await release(storage);
          });
        }
        fn();
      });
    },
    test: (name, body) => {
      runner.it(name, async () => {
        const opened: S[] = [];
        const openTracked = async (): Promise<S> => {
          const storage = await open();
          opened.push(storage);
          return storage;
        };
        let failure: { error: unknown } | undefined;
        try {
          await body(await openTracked(), openTracked);
        } catch (error) {
          failure = { error };
        }
        // Clean up every storage even when the test failed; the test's own error wins.
        for (const storage of opened) {
          try {
            await release(storage);
          } catch (error) {
            failure ??= { error };
          }
        }
        if (failure) throw failure.error;
      });
    },
  };
}
