import assert from "node:assert/strict";
import { describe, expect, it } from "vitest";
import type { SnapshotStorage } from "@stowage/core";
import { describeAdvancedSnapshotStorage, describeSnapshotStorage, type SnapshotSuiteOptions } from "../src/index.js";
import { MemoryStorage } from "../../memory/src/index.js";
import { BROKEN_ADAPTERS } from "./broken/index.js";
import { CollectingRunner, type TestResult } from "./collecting-runner.js";

/** Small contents keep ~45 full runs fast; the sizes themselves are covered by the real runs. */
const SMALL = 70_001;

function failures(results: TestResult[]): string[] {
  return results.filter((result) => result.error !== undefined).map((result) => result.name);
}

async function runAdvanced<S extends MemoryStorage>(options: SnapshotSuiteOptions<S>, filter?: string): Promise<TestResult[]> {
  const runner = new CollectingRunner();
  // A short abort deadline: the broken adapters that hang on a stalled source fail in a second.
  describeAdvancedSnapshotStorage(runner, { largestContentSize: SMALL, abortDeadlineMs: 1000, ...options });
  return runner.run(filter);
}

/** Only the five basic methods of a MemoryStorage: a basic-tier backend. */
function basicOnly(): SnapshotStorage {
  const inner = new MemoryStorage();
  return {
    read: (path, options) => inner.read(path, options),
    write: (path, content, options) => inner.write(path, content, options),
    list: (prefix) => inner.list(prefix),
    delete: (path) => inner.delete(path),
    exists: (path) => inner.exists(path),
  };
}

describe("the conformance suite", () => {
  it("passes MemoryStorage on every test, and cleans up every storage it opened", async () => {
    let open = 0;
    const results = await runAdvanced({
      name: "MemoryStorage",
      create: () => (open++, new MemoryStorage()),
      cleanup: () => void open--,
    });
    expect(failures(results)).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
    expect(open).toBe(0);
  });

  it("passes a basic-tier backend on the basic suite", async () => {
    const runner = new CollectingRunner();
    describeSnapshotStorage(runner, { name: "basic", create: basicOnly, largestContentSize: SMALL });
    const results = await runner.run();
    expect(failures(results)).toEqual([]);
    expect(results.some((result) => result.name.includes("streamRead"))).toBe(false);
  });

  it("fails an advanced backend run as basic: the tier guard must agree", async () => {
    const runner = new CollectingRunner();
    describeSnapshotStorage(runner, { name: "claims basic", create: () => new MemoryStorage(), largestContentSize: SMALL });
    expect(failures(await runner.run())).toEqual([expect.stringContaining("tier guards")]);
  });

  it("leaves the conflict tests out when a backend does not enforce conflicts", () => {
    const names = (fileFolderConflicts: boolean): string[] => {
      const runner = new CollectingRunner();
      describeAdvancedSnapshotStorage(runner, { name: "m", create: () => new MemoryStorage(), capabilities: { fileFolderConflicts } });
      return runner.names.filter((name) => name.includes("conflict") || name.includes("failed copy"));
    };
    expect(names(true).length).toBeGreaterThanOrEqual(5);
    expect(names(false)).toEqual([]);
  });

  it("rejects nonsense settings instead of testing nothing", () => {
    const runner = new CollectingRunner();
    const create = () => new MemoryStorage();
    expect(() => describeAdvancedSnapshotStorage(runner, { name: "m", create, largestContentSize: 0 })).toThrow(RangeError);
    expect(() => describeAdvancedSnapshotStorage(runner, { name: "m", create, capabilities: { defaultChunkSize: 1.5 } })).toThrow(RangeError);
    expect(() => describeAdvancedSnapshotStorage(runner, { name: "m", create, largestListing: -1 })).toThrow(RangeError);
  });

  it("reports a failing cleanup, and still cleans up every storage", async () => {
    const runner = new CollectingRunner();
    let cleaned = 0;
    describeAdvancedSnapshotStorage(runner, {
      name: "m",
      create: () => new MemoryStorage(),
      cleanup: () => {
        cleaned++;
        throw new Error("cleanup failed");
      },
    });
    const results = await runner.run("copies, skips, deletes extras and respects dryRun across two storages");
    assert.equal(results.length, 1);
    assert.match(String(results[0]?.error), /cleanup failed/);
    expect(cleaned).toBe(2);
  });

  it("fails a test whose adapter never answers at its deadline, with the test's name, and goes on", async () => {
    const hanging = () => Object.assign(new MemoryStorage(), { exists: () => new Promise<boolean>(() => undefined) });
    const runner = new CollectingRunner();
    describeAdvancedSnapshotStorage(runner, { name: "hangs", create: hanging, testDeadlineMs: 200 });
    const results = await runner.run("exists is true for files");
    expect(results.length).toBe(1);
    expect(String((results[0]?.error as Error).message)).toMatch(/"exists is true for files.*": the adapter left a call unanswered: still not settled after 200 ms/);
    expect(() => describeAdvancedSnapshotStorage(new CollectingRunner(), { name: "m", create: hanging, testDeadlineMs: 0 })).toThrow(RangeError);
  });

  describe("catches every deliberately broken adapter", () => {
    // Only the tests named by `caughtBy` run: that proves the right test catches the bug, in a
    // fraction of the time of ~45 full runs.
    it.each(BROKEN_ADAPTERS.map((adapter) => [adapter.name, adapter] as const))("%s", async (_, adapter) => {
      const results = await runAdvanced({ name: adapter.name, create: adapter.create }, adapter.caughtBy);
      expect(results.length, `no test is named '${adapter.caughtBy}'`).toBeGreaterThan(0);
      expect(failures(results).length, `'${adapter.caughtBy}' did not catch it`).toBeGreaterThan(0);
      if (adapter.message !== undefined) {
        const messages = results.flatMap((result) => (result.error === undefined ? [] : [String((result.error as Error).message)]));
        expect(messages.some((message) => adapter.message?.test(message)), messages.join("\n")).toBe(true);
      }
    });

    it("MemoryStorage itself passes every test that catches them", async () => {
      for (const adapter of BROKEN_ADAPTERS) {
        expect(failures(await runAdvanced({ name: "MemoryStorage", create: () => new MemoryStorage() }, adapter.caughtBy))).toEqual([]);
      }
    });
  });
});
