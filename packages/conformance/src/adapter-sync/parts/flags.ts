import assert from "node:assert/strict";
import { DiffSyncFlags, InvalidObjectError, disableLogging, useLogger, type LogFields, type LogLevel } from "@stowage/core";
import { EXAMPLE_DEST, EXAMPLE_SOURCE, devices, sites } from "../data.js";
import { assertConsistent, assertInSync, expectRejects, snapshot, syncTest } from "../fixture.js";
import { Device, DeviceNetwork, DevicesOnly, Interface, Site, SiteNetwork, Vlan } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

/** Every DiffSyncFlags and ModelFlags value, with diffsync's meaning. */
export function describeFlags(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  test("SKIP_UNMATCHED_SRC: nothing is created; updates and deletes are applied", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.syncFrom(src, { flags: DiffSyncFlags.SKIP_UNMATCHED_SRC });
    assert.deepEqual(diff.summary(), { create: 0, update: 3, delete: 3, "no-change": 1, skip: 4 });
    assert.ok(!dst.journal.some((entry) => entry.startsWith("create")), dst.journal.join(", "));
    assert.equal(await dst.count(Device), 2);
    assert.equal((await dst.get(Device, "r1")).role, "spine");
    await assertConsistent(dst, "after SKIP_UNMATCHED_SRC");
    assert.equal((await dst.diffFrom(src, { flags: DiffSyncFlags.SKIP_UNMATCHED_SRC })).hasDiffs(), false, "in sync under the same flag");
  });

  test("SKIP_UNMATCHED_DST: nothing is deleted; creates and updates are applied", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.syncFrom(src, { flags: DiffSyncFlags.SKIP_UNMATCHED_DST });
    assert.deepEqual(diff.summary(), { create: 4, update: 3, delete: 0, "no-change": 1, skip: 3 });
    assert.ok(!dst.journal.some((entry) => entry.startsWith("delete")), dst.journal.join(", "));
    assert.deepEqual([...(await dst.get(Device, "r1")).interfaces].sort(), ["r1__eth0", "r1__eth1", "r1__eth9"]);
    assert.equal(await dst.count(Device), 4);
    await assertConsistent(dst, "after SKIP_UNMATCHED_DST");
    assert.equal((await dst.diffFrom(src, { flags: DiffSyncFlags.SKIP_UNMATCHED_DST })).hasDiffs(), false);
  });

  test("SKIP_UNMATCHED_BOTH: only updates", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    const diff = await dst.syncFrom(src, { flags: DiffSyncFlags.SKIP_UNMATCHED_BOTH });
    assert.deepEqual(diff.summary(), { create: 0, update: 3, delete: 0, "no-change": 1, skip: 6 });
    assert.deepEqual([...dst.journal].sort(), ["update device r1", "update interface r1__eth0"]);
  });

  test("LOG_UNCHANGED_RECORDS: unchanged objects are logged too", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const logged = async (flags: number) => {
      const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
      const events = await captureLogs(() => dst.syncFrom(src, { flags }));
      return events.filter((event) => event.event === "sync.element");
    };
    const quiet = await logged(DiffSyncFlags.NONE);
    assert.ok(quiet.every((event) => event.action !== null), "without the flag, only changes are logged");
    assert.equal(quiet.length, 10);
    const verbose = await logged(DiffSyncFlags.LOG_UNCHANGED_RECORDS);
    const unchanged = verbose.filter((event) => event.action === null);
    assert.deepEqual(unchanged.map((event) => `${String(event.model)} ${String(event.uid)}`), ["device r4"]);
    assert.equal(unchanged[0]?.level, "debug", "at debug level");
    const success = verbose.find((event) => event.action === "update" && event.model === "device");
    assert.deepEqual([success?.uid, success?.status, success?.src, success?.dst], ["r1", "success", "src", "dst"]);
    assert.deepEqual(success?.diffs, { "-": { role: "leaf" }, "+": { role: "spine" } });
  });

  test("bad flags are refused before anything is read or changed", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DeviceNetwork, EXAMPLE_DEST);
    for (const flags of [-1, 1.5, 16, 1024, Number.NaN, "1" as unknown as number]) {
      await expectRejects(() => dst.syncFrom(src, { flags }), InvalidObjectError, `flags ${String(flags)}`);
      await expectRejects(() => dst.diffFrom(src, { flags }), InvalidObjectError, `flags ${String(flags)}`);
    }
    assert.deepEqual(await snapshot(dst), await snapshot(await t.dest(DeviceNetwork, EXAMPLE_DEST)));
  });

  test("model IGNORE: an ignored object and its children are left alone, on either side", async (t) => {
    const src = await t.source(DevicesOnly, devices({ r1: ["ignored", ["x", "y"]], r2: ["leaf", ["new"]], r3: ["leaf", []] }));
    const dst = await t.dest(DevicesOnly, devices({ r1: ["leaf", ["a"]], r2: ["ignored", ["old"]], r4: ["ignored", ["z"]] }));
    const diff = await dst.syncFrom(src);
    assert.deepEqual(diff.summary(), { create: 1, update: 0, delete: 0, "no-change": 0, skip: 3 });
    assert.deepEqual(dst.journal, ["create device r3"]);
    assert.deepEqual(await snapshot(dst), await snapshot(await t.source(DevicesOnly,
      devices({ r1: ["leaf", ["a"]], r2: ["ignored", ["old"]], r4: ["ignored", ["z"]], r3: ["leaf", []] }))));
  });

  test("model SKIP_UNMATCHED_SRC on an object, SKIP_UNMATCHED_DST on a class", async (t) => {
    const src = await t.source(DeviceNetwork, { ...devices({ r1: ["no-create", ["a"]], r2: ["leaf", []] }), vlan: { "1": { vid: 1, label: "a" } } });
    const dst = await t.dest(DeviceNetwork, { ...devices({ r3: ["no-create", []] }), vlan: { "2": { vid: 2, label: "b" } } });
    const diff = await dst.syncFrom(src);
    assert.deepEqual(diff.summary(), { create: 2, update: 0, delete: 1, "no-change": 0, skip: 2 });
    assert.deepEqual([...dst.journal].sort(), ["create device r2", "delete device r3"]);
    assert.deepEqual((await dst.getAll(Vlan)).map((vlan) => vlan.vid).sort(), [1, 2]);
  });

  test("model SKIP_CHILDREN_ON_DELETE: children go with their parent, without their own hooks", async (t) => {
    const src = await t.source(SiteNetwork, sites({ ams: ["eu", {}] }));
    const dst = await t.dest(SiteNetwork, sites({ ams: ["eu", { r1: ["cascade", ["a", "b"]], r2: ["leaf", ["c"]] }] }));
    await dst.syncFrom(src);
    assert.deepEqual(dst.journal.filter((entry) => entry.includes("r1")), ["delete device r1"]);
    assert.deepEqual(dst.journal.filter((entry) => entry.includes("r2")), ["delete device r2", "delete interface r2__eth0"]);
    assert.equal(await dst.count(Interface), 0, "the children are gone from the store");
    assert.deepEqual((await dst.get(Site, "ams")).devices, []);
    await assertConsistent(dst, "after SKIP_CHILDREN_ON_DELETE");
    await assertInSync(src, dst, "after SKIP_CHILDREN_ON_DELETE");
  });

  test("model NATURAL_DELETION_ORDER: children are deleted before their parent", async (t) => {
    const src = await t.source(SiteNetwork, sites({ ams: ["eu", {}] }));
    const dst = await t.dest(SiteNetwork, sites({ ams: ["eu", { r1: ["natural", ["a", "b"]], r2: ["leaf", ["c"]] }] }));
    await dst.syncFrom(src);
    assert.deepEqual(dst.journal.filter((entry) => entry.includes("r1")), ["delete interface r1__eth0", "delete interface r1__eth1", "delete device r1"]);
    assert.deepEqual(dst.journal.filter((entry) => entry.includes("r2")), ["delete device r2", "delete interface r2__eth0"]);
    assert.equal(await dst.count(Device), 0);
    await assertConsistent(dst, "after NATURAL_DELETION_ORDER");
    await assertInSync(src, dst, "after NATURAL_DELETION_ORDER");
  });

  test("top-level types only one side has are not compared, and count as skipped", async (t) => {
    const src = await t.source(DeviceNetwork, EXAMPLE_SOURCE);
    const dst = await t.dest(DevicesOnly, devices({ r1: ["spine", []] }));
    const diff = await dst.syncFrom(src);
    assert.deepEqual(diff.groups(), ["device"]);
    assert.equal(diff.summary().skip, 2, "the source's two VLANs");
    assert.equal(await dst.count(Vlan), 0);
  });
}

/** Runs `action` with stowage's logging at debug level into a list; resolves the events (fields, `level` name, `msg`). */
export async function captureLogs(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  const record = (level: LogLevel) => (fields: LogFields, msg: string) => void events.push({ ...fields, level, msg });
  useLogger({ isLevelEnabled: () => true, debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") });
  try {
    await action();
  } finally {
    disableLogging();
  }
  return events;
}
