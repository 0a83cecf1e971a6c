import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { startChild } from "./child.js";
import { FAMILIES, expectedStates, familyStates, networkVersion } from "./children/families.mjs";
import { tempDb } from "./temp-file.js";

interface Report {
  before: { objects: number; brokenFamilies: number };
  hasDiffs: boolean;
  devices: number;
  interfaces: number;
  brokenFamilies: number;
}

/** How the families of a file compare with the two versions: old (as in v1), new (as in v2), or broken (neither). */
interface Tally {
  old: number;
  new: number;
  broken: string[];
}

const V1 = expectedStates("v1");
const V2 = expectedStates("v2");

/** Every family's state in the file, read raw (no SQLiteStore involved), after checking the file is a sound database. */
function statesInFile(path: string, storeId: string): Map<string, string> {
  const db = new Database(path);
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = db
      .prepare("SELECT k.model AS model, o.data AS data FROM stowage_objects o JOIN stowage_kinds k ON o.kind = k.id WHERE k.store_id = ?")
      .all(storeId) as { model: string; data: string }[];
    const fields = (model: string) => rows.filter((row) => row.model === model).map((row) => (JSON.parse(row.data) as { fields: Record<string, unknown> }).fields);
    return familyStates(fields("device"), fields("interface"));
  } finally {
    db.close();
  }
}

/** Classifies every family of the file; an absent family is as its version has it (absent). */
function tally(path: string, storeId: string): Tally {
  const states = statesInFile(path, storeId);
  const result: Tally = { old: 0, new: 0, broken: [] };
  for (const name of new Set([...V1.keys(), ...V2.keys(), ...states.keys()])) {
    const state = states.get(name);
    if (state === V1.get(name)) result.old++;
    else if (state === V2.get(name)) result.new++;
    else result.broken.push(`${name}: ${state ?? "absent"} (v1: ${V1.get(name) ?? "absent"}; v2: ${V2.get(name) ?? "absent"})`);
  }
  return result;
}

/** The fraction of the elements done in an "at <done>/<total>" line. */
function reached(line: string): number {
  const [done, total] = line.slice(3).split("/").map(Number);
  return (done as number) / (total as number);
}

/** Syncs `version` into the file in a child to the end; its report. */
async function fullSync(path: string, storeId: string, version: "v1" | "v2"): Promise<{ hasDiffs: boolean; devices: number; interfaces: number }> {
  const child = startChild("families-sync.mjs", [path, storeId, version, "full"]);
  const report = JSON.parse(await child.line((line) => line.startsWith("{"), 120_000)) as { hasDiffs: boolean; devices: number; interfaces: number };
  expect(await child.exited).toBe(0);
  return report;
}

/** Runs a sync in a child, kills it with SIGKILL after its second batch of adds, re-runs it in a fresh child; the re-run's report. */
async function cutThenRerun(path: string, storeId: string): Promise<Report> {
  const cut = startChild("sync.mjs", [path, storeId, "cut-transaction"]);
  await cut.line((line) => line === "cut");
  cut.process.kill("SIGKILL");
  expect(await cut.exited).toBe("SIGKILL");
  const rerun = startChild("sync.mjs", [path, storeId, "rerun"]);
  const report = JSON.parse(await rerun.line((line) => line.startsWith("{"))) as Report;
  expect(await rerun.exited).toBe(0);
  return report;
}

describe("an Adapter sync into SQLiteStore cut by kill -9", () => {
  it(`plain syncFrom killed at random points, 6 rounds: every one of ${FAMILIES} families is old, new or absent as a version has it, never half written; a re-run converges`, async () => {
    const path = tempDb();
    const storeId = randomUUID();
    expect(await fullSync(path, storeId, "v1")).toMatchObject({ hasDiffs: false });
    expect(tally(path, storeId)).toEqual({ old: FAMILIES, new: 0, broken: [] });
    const tallies: Tally[] = [];
    for (let round = 0; round < 6; round++) {
      // Three kinds of points, in turn: right after a random one of the first bulk writes; at a
      // random element of the sync (between two writes); and a kill sent while the child runs on,
      // once it reported that much done (the signal lands at any moment: inside a statement, a
      // commit, a read).
      const fraction = 0.4 + 0.5 * Math.random();
      const [mode, arg] = (
        [["after-write", String(1 + Math.floor(3 * Math.random()))], ["at-element", fraction.toFixed(3)], ["anytime", ""]] as const
      )[round % 3] as readonly [string, string];
      const child = startChild("families-sync.mjs", [path, storeId, "v2", mode, arg]);
      await child.line((line) => line === "cut" || line === "done" || (line.startsWith("at ") && reached(line) >= fraction), 120_000);
      child.process.kill("SIGKILL");
      expect(await child.exited).toBe("SIGKILL");
      const found = tally(path, storeId);
      expect(found.broken.slice(0, 5), `round ${round}: ${found.broken.length} half-written families`).toEqual([]);
      tallies.push(found);
    }
    // The kills did cut syncs midway: some round left old and new families side by side.
    expect(tallies.some((found) => found.old > 0 && found.new > 0), JSON.stringify(tallies)).toBe(true);
    const interfaces = Object.keys(networkVersion("v2").interface ?? {}).length;
    expect(await fullSync(path, storeId, "v2")).toEqual({ hasDiffs: false, devices: V2.size, interfaces });
    expect(tally(path, storeId)).toEqual({ old: 0, new: FAMILIES, broken: [] });
    // Eight child processes each load, diff and sync 10,000 objects: minutes on a loaded machine.
  }, 300_000);

  it("syncFrom inside store.transaction(): the cut leaves the file as it was (no half-written family), and a re-run converges", async () => {
    const report = await cutThenRerun(tempDb(), randomUUID());
    expect(report.before).toEqual({ objects: 0, brokenFamilies: 0 });
    expect(report).toMatchObject({ hasDiffs: false, devices: 300, interfaces: 1200, brokenFamilies: 0 });
  });
});
