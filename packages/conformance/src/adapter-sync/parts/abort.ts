import assert from "node:assert/strict";
import { InvalidObjectError, isStowageError, type AdapterDict } from "@stowage/core";
import { assertInSync, expectRejects, syncTest } from "../fixture.js";
import { DeviceNetwork } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

const COUNT = 20;

/** `COUNT` devices (custom hooks) and `COUNT` vlans (the default hooks), all new to the destination. */
function newObjects(): AdapterDict {
  const device: AdapterDict[string] = {};
  const vlan: AdapterDict[string] = {};
  for (let i = 0; i < COUNT; i++) {
    device[`d${i}`] = { name: `d${i}`, role: "leaf", interfaces: [] };
    vlan[String(i)] = { vid: i, label: `v${i}` };
  }
  return { device, vlan };
}

/** Asserts that `action` rejects with stowage's AbortError carrying `reason` as its cause. */
async function expectAborted(action: () => Promise<unknown>, reason: unknown, what: string): Promise<void> {
  try {
    await action();
  } catch (error) {
    assert.ok(isStowageError(error, "E_ABORTED"), `${what} should reject with AbortError (E_ABORTED), got ${String(error)}`);
    assert.equal((error as Error).cause, reason, `${what}: the AbortError's cause is the signal's reason`);
    return;
  }
  assert.fail(`${what} should have been aborted, but it succeeded`);
}

/** `{ signal }` on diffFrom and syncFrom: prompt, typed, and nothing applied after the abort. */
export function describeAbort(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  test("a sync aborted mid-way applies nothing after the abort and persists what it applied before", async (t) => {
    const src = await t.source(DeviceNetwork, newObjects());
    // Devices have hooks of their own (each call journaled), vlans the default ones: stop in each.
    for (const stopAt of [5, COUNT + 7]) {
      const dst = await t.dest(DeviceNetwork);
      const controller = new AbortController();
      const reason = new Error(`stop at ${stopAt}`);
      const onProgress = (stage: string, done: number) => {
        if (stage === "sync" && done === stopAt) controller.abort(reason);
      };
      await expectAborted(() => dst.syncFrom(src, { signal: controller.signal, onProgress }), reason, `syncFrom stopped at ${stopAt}`);
      // Every element applied before the abort is stored (the default hooks' writes too), none after it.
      assert.equal(await dst.count(), stopAt, `${stopAt} elements applied before the abort`);
      assert.equal(dst.journal.length, Math.min(stopAt, COUNT), "no device hook ran after the abort");
      assert.equal(dst.completed.length, 0, "syncComplete is not called for an aborted sync");
      await dst.syncFrom(src);
      await assertInSync(src, dst, "after a full sync");
    }
  });

  test("an aborted signal stops diff and sync before anything is read or changed; a bad signal is refused", async (t) => {
    const src = await t.source(DeviceNetwork, newObjects());
    const dst = await t.dest(DeviceNetwork, { vlan: { "1": { vid: 1, label: "old" } } });
    const controller = new AbortController();
    const reason = new Error("never mind");
    controller.abort(reason);
    await expectAborted(() => dst.diffFrom(src, { signal: controller.signal }), reason, "diffFrom");
    await expectAborted(() => dst.syncFrom(src, { signal: controller.signal }), reason, "syncFrom");
    await expectAborted(() => src.syncTo(dst, { signal: controller.signal }), reason, "syncTo");
    assert.equal(await dst.count(), 1, "nothing changed");
    assert.deepEqual(dst.journal, []);
    await expectRejects(() => dst.syncFrom(src, { signal: "stop" as never }), InvalidObjectError, "a string as signal");
    const later = new AbortController();
    const during = new Error("during the diff");
    await expectAborted(
      () => dst.diffFrom(src, { signal: later.signal, onProgress: (stage, done) => stage === "diff" && done === 3 && later.abort(during) }),
      during,
      "diffFrom aborted while it reads",
    );
  });
}
