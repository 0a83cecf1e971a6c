import { describe, expect, it } from "vitest";
import {
  collectBytes,
  comparePlaces,
  InvalidOptionsError,
  InvalidPathError,
  placeBelow,
  recursiveList,
  relateFolders,
  syncStorages,
  type SnapshotStorage,
  type StoragePlace,
} from "../../src/index.js";
import { AdvancedMapStorage } from "./helpers/map-storage.js";

/** A map storage that says it lives in `space` below `root`: two objects with one space are one place. */
class PlacedMapStorage extends AdvancedMapStorage {
  constructor(
    readonly space: string,
    readonly root: readonly string[] = [],
  ) {
    super();
  }

  place(prefix: string): Promise<StoragePlace> {
    return Promise.resolve(placeBelow(this.space, this.root, prefix));
  }
}

async function contents(storage: SnapshotStorage): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await recursiveList(storage, "")) out[key] = (await collectBytes(await storage.read(key))).toString();
  return out;
}

describe("places (issue 24 item 3)", () => {
  it("compares segment by segment, never by text prefix", () => {
    const at = (space: string, ...path: string[]) => ({ space, path });
    expect(comparePlaces(at("s", "a"), at("s", "a"))).toBe("same");
    expect(comparePlaces(at("s", "a", "b"), at("s", "a"))).toBe("inside");
    expect(comparePlaces(at("s", "a"), at("s", "a", "b"))).toBe("contains");
    expect(comparePlaces(at("s", "ab"), at("s", "a"))).toBe("apart");
    expect(comparePlaces(at("s", "a"), at("t", "a"))).toBe("apart");
  });

  it("two storage objects of one place are compared by place; without place() they are apart (judged unknown)", async () => {
    const one = new PlacedMapStorage("x", ["root"]);
    const two = new PlacedMapStorage("x", []);
    expect(await relateFolders({ storage: one, prefix: "" }, { storage: two, prefix: "root/old" })).toEqual({ relation: "inside", judged: "place", below: ["old"] });
    expect(await relateFolders({ storage: one, prefix: "a" }, { storage: new AdvancedMapStorage(), prefix: "a" })).toMatchObject({ relation: "apart", judged: "unknown" });
  });

  it("refuses source/target and backup overlap by place before any write", async () => {
    const a = new PlacedMapStorage("x");
    const b = new PlacedMapStorage("x");
    await a.write("d/f.txt", "new");
    await b.write("d/f.txt", "old");
    const before = await contents(b);
    await expect(syncStorages(a, "d", b, "d")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(syncStorages(a, "d", b, "d/mirror")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(syncStorages(a, "d/inner", b, "d")).rejects.toBeInstanceOf(InvalidPathError);
    const other = new PlacedMapStorage("y");
    for (const prefix of ["", "mirror", "mirror/old", "d/old"]) {
      const error = await syncStorages(a, "d", other, "mirror", { backupDir: { storage: new PlacedMapStorage("x"), prefix: prefix === "mirror" || prefix === "mirror/old" ? "d" : prefix } }).catch((caught: unknown) => caught);
      expect(error, prefix).toBeInstanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).code).toBe("E_INVALID_OPTIONS");
    }
    const intoTarget = await syncStorages(a, "d", other, "mirror", { backupDir: { storage: new PlacedMapStorage("y"), prefix: "mirror/old" } }).catch((caught: unknown) => caught);
    expect(intoTarget).toBeInstanceOf(InvalidOptionsError);
    expect(await contents(b)).toEqual(before);
    expect(await contents(other)).toEqual({});
  });

  it("allows a nested target or backup folder that a filter excludes, as rclone does (--backup-dir dst/old --exclude '/old/**')", async () => {
    const source = new PlacedMapStorage("s");
    const target = new PlacedMapStorage("t");
    const sameTarget = new PlacedMapStorage("t");
    await source.write("a.txt", "new");
    await target.write("dst/a.txt", "old");
    const filter = [{ action: "exclude" as const, pattern: "/old/**" }];
    for (let run = 0; run < 3; run++) {
      await source.write("a.txt", `new ${run}`);
      await syncStorages(source, "", target, "dst", { filter, backupDir: { storage: sameTarget, prefix: "dst/old" } });
    }
    // Old versions land in dst/old, never nested deeper, and are never deleted as extras.
    expect(Object.keys(await contents(target)).sort()).toEqual(["dst/a.txt"]);
    expect(await contents(sameTarget)).toEqual({ "dst/old/a.txt": "new 1" });
    // Without the filter: refused.
    await expect(syncStorages(source, "", target, "dst", { backupDir: { storage: sameTarget, prefix: "dst/old" } })).rejects.toBeInstanceOf(InvalidOptionsError);
    // A target nested in the source: allowed when excluded there, within one storage object too.
    const one = new AdvancedMapStorage();
    await one.write("src/a.txt", "a");
    await expect(syncStorages(one, "src", one, "src/mirror")).rejects.toBeInstanceOf(InvalidPathError);
    await syncStorages(one, "src", one, "src/mirror", { filter: [{ action: "exclude", pattern: "mirror/" }] });
    expect(await contents(one)).toEqual({ "src/a.txt": "a", "src/mirror/a.txt": "a" });
    // The source nested in the target is refused whatever the filter (the target's listing would delete it).
    await expect(syncStorages(one, "src/mirror", one, "src", { filter: [{ action: "exclude", pattern: "mirror/" }] })).rejects.toBeInstanceOf(InvalidPathError);
  });
});
