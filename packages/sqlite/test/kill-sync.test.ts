import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { startChild } from "./child.js";
import { tempDb } from "./temp-file.js";

interface Report {
  before: { objects: number; brokenFamilies: number };
  hasDiffs: boolean;
  devices: number;
  interfaces: number;
  brokenFamilies: number;
}

/** Runs a sync in a child, kills it with SIGKILL after its second batch of adds, re-runs it in a fresh child; the re-run's report. */
async function cutThenRerun(path: string, storeId: string, mode: "cut-plain" | "cut-transaction"): Promise<Report> {
  const cut = startChild("sync.mjs", [path, storeId, mode]);
  await cut.line((line) => line === "cut");
  cut.process.kill("SIGKILL");
  expect(await cut.exited).toBe("SIGKILL");
  // The file a killed writer left is a sound database.
  const raw = new Database(path, { readonly: false });
  expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
  raw.close();
  const rerun = startChild("sync.mjs", [path, storeId, "rerun"]);
  const report = JSON.parse(await rerun.line((line) => line.startsWith("{"))) as Report;
  expect(await rerun.exited).toBe(0);
  return report;
}

describe("an Adapter sync into SQLiteStore cut by kill -9", () => {
  it("plain syncFrom (one transaction per bulk write): a re-run from a fresh process converges (diff empty, every family whole)", async () => {
    const report = await cutThenRerun(tempDb(), randomUUID(), "cut-plain");
    // Both batches of adds had committed before the cut. A family whose children straddle two
    // batches may be left half written here (the parent's update of its child list never ran):
    // core's family repair makes the re-run converge from there.
    expect(report.before.objects).toBe(1500);
    expect(report).toMatchObject({ hasDiffs: false, devices: 300, interfaces: 1200, brokenFamilies: 0 });
  });

  it("syncFrom inside store.transaction(): the cut leaves the file as it was (no half-written family), and a re-run converges", async () => {
    const report = await cutThenRerun(tempDb(), randomUUID(), "cut-transaction");
    expect(report.before).toEqual({ objects: 0, brokenFamilies: 0 });
    expect(report).toMatchObject({ hasDiffs: false, devices: 300, interfaces: 1200, brokenFamilies: 0 });
  });
});
