import assert from "node:assert/strict";
import {
  SnapshotStorageCapabilityError,
  backendName,
  isAdvancedSnapshotStorage,
  isSnapshotStorage,
  requiresAdvancedStorage,
  type SnapshotStorage,
} from "@stowage/core";
import type { SuiteContext } from "../fixture.js";

/** The runtime tier guards must agree with the tier the backend is tested for. */
export function tierGuardTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("tier guards", () => {
    if (t.settings.advanced) {
      t.test("isAdvancedSnapshotStorage and requiresAdvancedStorage accept it", async (storage) => {
        assert.equal(isSnapshotStorage(storage), true);
        assert.equal(isAdvancedSnapshotStorage(storage), true, "an advanced backend must satisfy isAdvancedSnapshotStorage");
        assert.doesNotThrow(() => requiresAdvancedStorage(storage, "conformance"));
      });
      return;
    }
    t.test("isSnapshotStorage accepts it, and the advanced guards refuse it by name", async (storage) => {
      assert.equal(isSnapshotStorage(storage), true);
      assert.equal(
        isAdvancedSnapshotStorage(storage),
        false,
        "this backend passes isAdvancedSnapshotStorage, so callers will use the advanced tier: test it with describeAdvancedSnapshotStorage",
      );
      let error: unknown;
      try {
        requiresAdvancedStorage(storage, "rclone_sync");
      } catch (caught) {
        error = caught;
      }
      assert.ok(error instanceof SnapshotStorageCapabilityError, "requiresAdvancedStorage must throw SnapshotStorageCapabilityError");
      assert.equal(error.code, "E_CAPABILITY");
      assert.equal(error.operation, "rclone_sync");
      assert.equal(error.backend, backendName(storage));
      assert.ok(error.message.includes("rclone_sync") && error.message.includes(error.backend), "the message names both");
    });
  });
}
