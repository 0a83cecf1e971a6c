import assert from "node:assert/strict";
import { ObjectAlreadyExists, ObjectNotFound } from "@stowage/core";
import { storeTest } from "../fixture.js";
import { Device } from "../models.js";
import type { ObjectStoreSuiteOptions } from "../options.js";
import type { TestApi } from "../../test-api.js";

const RACERS = 8;

/** Concurrent writers of one uid: exactly one add, create or remove wins (atomic insert and delete). */
export function describeConcurrency(api: TestApi, options: ObjectStoreSuiteOptions): void {
  const { it } = api;

  it("concurrent adds of different data under one uid: exactly one wins", storeTest(options, async ({ store, reread }) => {
    const racers = Array.from({ length: RACERS }, (_, index) => new Device({ name: "r1", serial: `S${index}` }));
    const results = await Promise.allSettled(racers.map((device) => store.add(device)));
    const winners = results.flatMap((result, index) => (result.status === "fulfilled" ? [racers[index] as Device] : []));
    assert.equal(winners.length, 1, "one add succeeds");
    for (const result of results) {
      if (result.status === "rejected") assert.ok(result.reason instanceof ObjectAlreadyExists, `the others fail with ObjectAlreadyExists, got ${String(result.reason)}`);
    }
    const stored = await (await reread()).get(Device, "r1");
    assert.equal(stored.serial, winners[0]?.serial, "the winner's data is stored");
  }));

  it("concurrent getOrInstantiate of one uid creates it once", storeTest(options, async ({ store, reread }) => {
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, index) => store.getOrInstantiate(Device, { name: "r1" }, { serial: `S${index}` })),
    );
    assert.equal(results.filter(([, created]) => created).length, 1, "created exactly once");
    const view = await reread();
    assert.equal(await view.count(Device), 1);
    const stored = await view.get(Device, "r1");
    for (const [obj] of results) assert.equal(obj.serial, stored.serial, "every caller gets the stored object's data");
  }));

  if (options.atomicRemove === false) return;
  it("concurrent removes of one object: exactly one succeeds", storeTest(options, async ({ store }) => {
    const device = new Device({ name: "r1" });
    await store.add(device);
    const results = await Promise.allSettled(Array.from({ length: RACERS }, () => store.remove(device)));
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
    for (const result of results) {
      if (result.status === "rejected") assert.ok(result.reason instanceof ObjectNotFound, `the others fail with ObjectNotFound, got ${String(result.reason)}`);
    }
    assert.equal(await store.count(), 0);
  }));
}
