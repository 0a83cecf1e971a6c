// An adapter published as CommonJS carries the CJS build of @stowage/core, while this suite (loaded
// by vitest as ESM) checks errors with the ESM build's classes. Errors must be recognised across
// the two copies: before errors were branded, such an adapter failed every test that expects a
// specific error ("should fail with SnapshotNotFoundError, got SnapshotNotFoundError").
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as esmCore from "@stowage/core";
import type { MemoryStorage as MemoryStorageType } from "../../memory/src/index.js";
import { describeAdvancedSnapshotStorage, describeObjectStore } from "../src/index.js";
import { CollectingRunner } from "./collecting-runner.js";
import { failed, runSuite } from "./object-store/run-suite.js";

const require = createRequire(import.meta.url);
// The memory adapter's CommonJS build, which `require`s the CommonJS build of core.
const { MemoryStorage } = require("../../memory/dist/index.cjs") as { MemoryStorage: typeof MemoryStorageType };
const cjsCore = require("../../memory/node_modules/@stowage/core") as typeof esmCore;

describe("an adapter built as CommonJS, under the ESM suite", () => {
  it("really throws errors of another copy of core", async () => {
    const error = await new MemoryStorage().read("missing.txt").catch((caught: unknown) => caught);
    expect(Object.getPrototypeOf(error)).toBe(cjsCore.SnapshotNotFoundError.prototype);
    expect(cjsCore.SnapshotNotFoundError).not.toBe(esmCore.SnapshotNotFoundError);
    expect(Object.prototype.isPrototypeOf.call(esmCore.SnapshotNotFoundError.prototype, error as object)).toBe(false);
  });

  it("passes the whole blob suite", async () => {
    const runner = new CollectingRunner();
    describeAdvancedSnapshotStorage(runner, { name: "CJS MemoryStorage", create: () => new MemoryStorage(), largestContentSize: 70_001 });
    const results = await runner.run();
    expect(results.filter((result) => result.error !== undefined).map((result) => result.name)).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  });

  it("passes the whole object-store suite with core's CommonJS MemoryStore", async () => {
    const results = await runSuite({ name: "CJS MemoryStore", create: () => new cjsCore.MemoryStore() });
    expect(failed(results)).toEqual([]);
    expect(results.size).toBeGreaterThan(20);
  });
});
