import { describe, expect, it } from "vitest";
import {
  SnapshotStorageCapabilityError,
  backendName,
  isAdvancedSnapshotStorage,
  isSnapshotStorage,
  requiresAdvancedStorage,
  type SnapshotStorage,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

describe("tier guards", () => {
  it("tell the tiers apart by their methods", () => {
    expect(isSnapshotStorage(new MapStorage())).toBe(true);
    expect(isAdvancedSnapshotStorage(new MapStorage())).toBe(false);
    expect(isAdvancedSnapshotStorage(new AdvancedMapStorage())).toBe(true);
    for (const other of [null, undefined, 42, "storage", {}, { read: 1, write: 1, list: 1, delete: 1, exists: 1 }]) {
      expect(isSnapshotStorage(other)).toBe(false);
    }
    expect(isAdvancedSnapshotStorage(Object.assign(new AdvancedMapStorage(), { sync: undefined }))).toBe(false);
  });

  it("requiresAdvancedStorage names the operation and the backend", () => {
    const basic: SnapshotStorage = new MapStorage();
    let error: unknown;
    try {
      requiresAdvancedStorage(basic, "rclone_sync");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SnapshotStorageCapabilityError);
    expect(error).toMatchObject({ code: "E_CAPABILITY", operation: "rclone_sync", backend: "MapStorage" });
    expect((error as Error).message).toBe(
      "Operation 'rclone_sync' requires AdvancedSnapshotStorage, but 'MapStorage' only satisfies SnapshotStorage.",
    );
    const advanced: SnapshotStorage = new AdvancedMapStorage();
    requiresAdvancedStorage(advanced, "rclone_sync");
    expect(typeof advanced.stat).toBe("function");
  });

  it("backendName falls back for plain objects", () => {
    expect(backendName(new MapStorage())).toBe("MapStorage");
    expect(backendName({})).toBe("anonymous storage");
    expect(backendName(Object.create(null))).toBe("anonymous storage");
  });
});
