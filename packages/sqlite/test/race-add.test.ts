import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startChild } from "./child.js";
import { tempDb } from "./temp-file.js";

const RACERS = 5;
const ADDS = 10;

describe("SQLiteStore add across processes", () => {
  it(`${RACERS * ADDS} racing adds of one uid from ${RACERS} processes: exactly one wins, every other add gets ObjectAlreadyExists`, async () => {
    const path = tempDb();
    const storeId = randomUUID();
    const racers = Array.from({ length: RACERS }, (_, racer) => startChild("race-add.mjs", [path, storeId, String(racer), String(ADDS)]));
    await Promise.all(racers.map((child) => child.line((line) => line === "ready")));
    for (const child of racers) child.process.stdin?.end("go\n");
    const results = await Promise.all(racers.map(async (child) => JSON.parse(await child.line((line) => line.startsWith("{"))) as { won: number; exists: number; other: string[] }));
    expect(results.flatMap((result) => result.other)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.won, 0)).toBe(1);
    expect(results.reduce((sum, result) => sum + result.exists, 0)).toBe(RACERS * ADDS - 1);
    expect(await Promise.all(racers.map((child) => child.exited))).toEqual(racers.map(() => 0));
  });
});
