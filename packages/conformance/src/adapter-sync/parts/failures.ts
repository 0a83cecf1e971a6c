import assert from "node:assert/strict";
import { DiffSyncFlags, ObjectNotCreated, ObjectNotDeleted, ObjectNotUpdated, type AdapterDict } from "@stowage/core";
import { sites } from "../data.js";
import { assertConsistent, expectRejects, snapshot, syncTest } from "../fixture.js";
import { Device, SiteNetwork } from "../models.js";
import type { AdapterSyncSuiteOptions, Pairing } from "../options.js";
import type { TestApi } from "../../test-api.js";

type Hook = "create" | "update" | "delete";

/**
 * A source and destination where `r2` (a device of site ams, with one interface) needs `hook`,
 * which fails as `mode` says; site ams also gets a new device r3 and loses r4, which succeed.
 */
function scenario(hook: Hook, mode: "null" | "throw" | "crash"): { source: AdapterDict; dest: AdapterDict } {
  const failing = `fail-${hook}-${mode}`;
  const src: Record<string, [string, string[]]> = { r1: ["leaf", ["up"]], r3: ["leaf", ["new"]] };
  const dst: Record<string, [string, string[]]> = { r1: ["leaf", ["up"]], r4: ["leaf", ["gone"]] };
  if (hook === "create") src.r2 = [failing, ["child"]];
  if (hook === "update") (src.r2 = [failing, ["child"]]), (dst.r2 = ["leaf", ["old"]]);
  if (hook === "delete") dst.r2 = [failing, ["child"]];
  return { source: sites({ ams: ["eu", src] }), dest: sites({ ams: ["eu", dst] }) };
}

const ERRORS = { create: ObjectNotCreated, update: ObjectNotUpdated, delete: ObjectNotDeleted };

/** Hooks that return null, throw a CRUD error (with and without CONTINUE_ON_FAILURE), or crash. */
export function describeFailures(api: TestApi, options: AdapterSyncSuiteOptions, pairing: Pairing): void {
  const test = (name: string, body: Parameters<typeof syncTest>[2]) => api.it(name, syncTest(options, pairing, body));

  for (const hook of ["create", "update", "delete"] as const) {
    test(`${hook} hook returning null: that object is left as is, its children untouched, the rest applied`, async (t) => {
      const { source, dest } = scenario(hook, "null");
      const src = await t.source(SiteNetwork, source);
      const dst = await t.dest(SiteNetwork, dest);
      await dst.syncFrom(src);
      await assertOnlyR2Left(src, dst, hook);
      assert.ok(!dst.journal.some((entry) => entry.includes("interface r2__")), `r2's children were not processed: ${dst.journal.join(", ")}`);
      assert.equal(dst.completed.length, 1, "the other changes count: syncComplete ran");
    });

    test(`${hook} hook throwing ${ERRORS[hook].name}: the sync stops with it, the store consistent`, async (t) => {
      const { source, dest } = scenario(hook, "throw");
      const src = await t.source(SiteNetwork, source);
      const dst = await t.dest(SiteNetwork, dest);
      const error = await expectRejects(() => dst.syncFrom(src), ERRORS[hook], `${hook} hook that throws`);
      assert.match(error.message, /r2/);
      await assertConsistent(dst, `after a ${hook} failure stopped the sync`);
      assert.equal(dst.completed.length, 0, "no syncComplete after a failed sync");
      const left = (await dst.getAll(Device)).map((device) => device.name).sort();
      assert.deepEqual(left, { create: ["r1", "r3", "r4"], update: ["r1", "r2", "r3", "r4"], delete: ["r1", "r2", "r3"] }[hook],
        "what came before r2 was applied (r3 created; r4, which comes after it unless r2 is deleted, left)");
      // What was applied before the failure stays applied, and a second sync finishes the job.
      await expectRejects(() => dst.syncFrom(src), ERRORS[hook], "the same failure again");
      const rest = await dst.syncFrom(src, { flags: DiffSyncFlags.CONTINUE_ON_FAILURE });
      assert.ok(rest.hasDiffs());
      await assertOnlyR2Left(src, dst, hook);
    });

    test(`${hook} hook throwing ${ERRORS[hook].name} with CONTINUE_ON_FAILURE: logged, and the sync goes on`, async (t) => {
      const { source, dest } = scenario(hook, "throw");
      const src = await t.source(SiteNetwork, source);
      const dst = await t.dest(SiteNetwork, dest);
      await dst.syncFrom(src, { flags: DiffSyncFlags.CONTINUE_ON_FAILURE });
      await assertOnlyR2Left(src, dst, hook);
      assert.equal(dst.completed.length, 1);
    });
  }

  test("an error that is not a CRUD error stops the sync even with CONTINUE_ON_FAILURE", async (t) => {
    const { source, dest } = scenario("create", "crash");
    const src = await t.source(SiteNetwork, source);
    const dst = await t.dest(SiteNetwork, dest);
    const error = await expectRejects(() => dst.syncFrom(src, { flags: DiffSyncFlags.CONTINUE_ON_FAILURE }), Error, "a crashing hook");
    assert.match(error.message, /crashed/);
    await assertConsistent(dst, "after a crash");
  });

  test("a sync whose every change fails does not call syncComplete", async (t) => {
    const src = await t.source(SiteNetwork, sites({ ams: ["eu", { r1: ["fail-create-null", []] }] }));
    const dst = await t.dest(SiteNetwork, sites({ ams: ["eu", {}] }));
    await dst.syncFrom(src);
    assert.deepEqual(dst.journal, ["create device r1"]);
    assert.equal(dst.completed.length, 0);
    assert.deepEqual(await snapshot(dst), await snapshot(await t.dest(SiteNetwork, sites({ ams: ["eu", {}] }))));
  });
}

/** After a sync where only r2's hook failed: the store is consistent and a fresh diff shows r2 alone. */
async function assertOnlyR2Left(src: SiteNetwork, dst: SiteNetwork, hook: Hook): Promise<void> {
  await assertConsistent(dst, `after a failed ${hook}`);
  const diff = await dst.diffFrom(src);
  const ams = [...diff][0];
  const left = [...(ams?.getChildren() ?? [])].filter((element) => element.hasDiffs()).map((element) => [element.shortname, element.action]);
  assert.deepEqual(left, [["r2", hook]], `only r2 is left to ${hook}:\n${diff.str()}`);
  const ids = (await dst.getAll(Device)).map((device) => device.name).sort();
  assert.deepEqual(ids, hook === "create" ? ["r1", "r3"] : ["r1", "r2", "r3"]);
}
