import { describe, expect, it } from "vitest";
import { checkStorages, recursiveList, syncStorages, type SyncProgress } from "../../src/index.js";
import { AdvancedMapStorage } from "./helpers/map-storage.js";

/** A path of 1,000 bytes: a valid key, yet too long below a target folder of 100 bytes. */
const LONG = Array.from({ length: 5 }, (_, i) => `${i}`.repeat(199)).join("/");
const DEEP = "t".repeat(100);

describe("names that cannot be keys on the other side (issue 24 item 4)", () => {
  it("are ignored by sync as invalid names, named, and never keep the delete pass from running", async () => {
    const source = new AdvancedMapStorage();
    const target = new AdvancedMapStorage();
    await source.write(LONG, "long");
    await source.write("a.txt", "a");
    await target.write(`${DEEP}/gone.txt`, "extra");
    const events: SyncProgress[] = [];
    const report = await syncStorages(source, "", target, DEEP, { onProgress: (event) => events.push(event) });
    expect(report).toMatchObject({ copied: 1, deleted: 1, ignored: 1 });
    expect(events.filter((event) => event.action === "ignore")).toEqual([expect.objectContaining({ path: LONG, reason: "invalid-name" })]);
    expect(await recursiveList(target, DEEP)).toEqual([`${DEEP}/a.txt`]);
  });

  it("are counted and named by check as not compared", async () => {
    const a = new AdvancedMapStorage();
    const b = new AdvancedMapStorage();
    await a.write(LONG, "long");
    const ignored: unknown[] = [];
    const report = await checkStorages(a, "", b, DEEP, { onIgnore: (entry) => ignored.push(entry) });
    expect(report).toMatchObject({ matched: 0, onlyInA: 0, ignored: 1 });
    expect(ignored).toEqual([{ path: LONG, reason: "invalid-name" }]);
  });
});
