import type { BaseStore } from "@stowage/core";
import type { ObjectStoreSuiteOptions } from "./options.js";
import { describeBulk } from "./parts/bulk.js";
import { describeChildren } from "./parts/children.js";
import { describeConcurrency } from "./parts/concurrency.js";
import { describeConvenience } from "./parts/convenience.js";
import { describeCrud } from "./parts/crud.js";
import { describeErrors } from "./parts/errors.js";
import { describeIdentities } from "./parts/identities.js";
import { describeJson } from "./parts/json.js";
import { describeScale } from "./parts/scale.js";
import { describeSpecialNames } from "./parts/special-names.js";
import type { TestApi } from "../test-api.js";
import { resolveDeadlines, withTestDeadline } from "../deadline.js";

/**
 * Declares the object-store conformance suite: the whole `BaseStore` contract, with any test
 * runner's `describe`/`it` and `node:assert`. A store passes when every test passes.
 *
 * ```ts
 * import { describe, it } from "vitest"; // or "node:test"
 * describeObjectStore({ describe, it }, { name: "MemoryStore", create: () => new MemoryStore(), order: "insertion" });
 * ```
 */
export function describeObjectStore<S extends BaseStore>(runner: TestApi, options: ObjectStoreSuiteOptions<S>): void {
  const shared = options as unknown as ObjectStoreSuiteOptions;
  const api = withTestDeadline(runner, resolveDeadlines(options).testMs);
  api.describe(`object store: ${options.name}`, () => {
    api.describe("get, add, update, remove, count", () => describeCrud(api, shared));
    api.describe("bulk methods", () => describeBulk(api, shared));
    api.describe("children", () => describeChildren(api, shared));
    api.describe("convenience methods", () => describeConvenience(api, shared));
    api.describe("JSON values", () => describeJson(api, shared));
    api.describe("special characters", () => describeSpecialNames(api, shared));
    api.describe("identities", () => describeIdentities(api, shared));
    api.describe("errors", () => describeErrors(api, shared));
    api.describe("concurrency", () => describeConcurrency(api, shared));
    api.describe("scale", () => describeScale(api, shared));
  });
}
