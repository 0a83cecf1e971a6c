import type { BaseStore } from "@stowage/core";
import { pairingsFor, type AdapterSyncSuiteOptions } from "./options.js";
import { describeAbort } from "./parts/abort.js";
import { describeChildren } from "./parts/children.js";
import { describeExample } from "./parts/example.js";
import { describeFailures } from "./parts/failures.js";
import { describeFlags } from "./parts/flags.js";
import { describeIdentities } from "./parts/identities.js";
import type { TestApi } from "../test-api.js";
import { resolveDeadlines, withTestDeadline } from "../deadline.js";

/**
 * Declares the adapter diff/sync suite: the device/interface example, three levels of children,
 * every flag and hook failure, each ending with "a fresh diff is empty", run with the store under
 * test as source, as destination and as both (the other side a MemoryStore). Any test runner's
 * `describe`/`it` and `node:assert`.
 *
 * ```ts
 * import { describe, it } from "vitest"; // or "node:test"
 * describeAdapterSync({ describe, it }, { name: "RedisStore", createStore: () => new RedisStore({ ... }) });
 * ```
 */
export function describeAdapterSync<S extends BaseStore>(runner: TestApi, options: AdapterSyncSuiteOptions<S>): void {
  const shared = options as unknown as AdapterSyncSuiteOptions;
  const api = withTestDeadline(runner, resolveDeadlines(options).testMs);
  api.describe(`adapter diff and sync: ${options.name}`, () => {
    for (const pairing of pairingsFor(options.name)) {
      api.describe(pairing.title, () => {
        api.describe("device/interface example", () => describeExample(api, shared, pairing));
        api.describe("three levels of children", () => describeChildren(api, shared, pairing));
        api.describe("flags", () => describeFlags(api, shared, pairing));
        api.describe("hook failures", () => describeFailures(api, shared, pairing));
        api.describe("identities", () => describeIdentities(api, shared, pairing));
        api.describe("abort", () => describeAbort(api, shared, pairing));
      });
    }
  });
}
