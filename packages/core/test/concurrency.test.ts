import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { mapLimit, mapSettled } from "../src/index.js";

/** Work that records how many calls are in flight at once. */
function tracked() {
  let active = 0;
  let peak = 0;
  const work = async (item: number): Promise<number> => {
    active++;
    peak = Math.max(peak, active);
    await nextTurn();
    active--;
    if (item < 0) throw new Error(`bad ${item}`);
    return item * 2;
  };
  return { work, peak: () => peak };
}

describe("mapSettled", () => {
  it("keeps input order and never exceeds the limit", async () => {
    const { work, peak } = tracked();
    const results = await mapSettled([1, 2, 3, 4, 5, 6, 7], 3, work);
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ({ status: "fulfilled", value: n * 2 })));
    expect(peak()).toBe(3);
  });

  it("attempts every item even when some fail", async () => {
    const { work } = tracked();
    const results = await mapSettled([1, -1, 2, -2], 2, work);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
  });

  it("handles no items and rejects a bad limit", async () => {
    expect(await mapSettled([], 4, async () => 1)).toEqual([]);
    for (const limit of [0, -1, 1.5]) await expect(mapSettled([1], limit, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe("mapLimit", () => {
  it("resolves with values in order", async () => {
    expect(await mapLimit([3, 1, 2], 2, tracked().work)).toEqual([6, 2, 4]);
  });

  it("rejects with the first failure, after every item was attempted", async () => {
    const seen: number[] = [];
    const work = async (item: number) => {
      seen.push(item);
      if (item < 0) throw new Error(`bad ${item}`);
      return item;
    };
    await expect(mapLimit([1, -1, 2, -2, 3], 1, work)).rejects.toThrow("bad -1");
    expect(seen).toEqual([1, -1, 2, -2, 3]);
  });
});
