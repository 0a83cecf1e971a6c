import type { SnapshotStorage } from "@stowage/core";
import { resolveSettings, type SnapshotSuiteOptions } from "./api.js";
import type { TestApi } from "./test-api.js";
import { createSuiteContext, type SuiteContext } from "./fixture.js";
import { abortTests } from "./parts/abort.js";
import { atomicityTests } from "./parts/atomicity.js";
import { basicOperationTests } from "./parts/basic-operations.js";
import { concurrencyTests } from "./parts/concurrency.js";
import { contentFormTests, webReadStreamTests } from "./parts/content-forms.js";
import { contentSizeTests } from "./parts/content-sizes.js";
import { conflictTests, errorTests } from "./parts/errors.js";
import { keyTests } from "./parts/keys.js";
import { listingTests } from "./parts/listing.js";
import { mirrorTests } from "./parts/mirror.js";
import { syncBackupTests } from "./parts/sync-backup.js";
import { syncListingFaultTests } from "./parts/sync-listing-faults.js";
import { pathAttackTests } from "./parts/path-attacks.js";
import { tierGuardTests } from "./parts/tier-guards.js";
import { garbageTests } from "./parts/garbage.js";

/** Declares every basic-tier part into an open suite context. */
export function basicParts(t: SuiteContext<SnapshotStorage>): void {
  basicOperationTests(t);
  contentFormTests(t);
  webReadStreamTests(t);
  contentSizeTests(t);
  keyTests(t);
  pathAttackTests(t);
  listingTests(t);
  errorTests(t);
  conflictTests(t);
  atomicityTests(t);
  abortTests(t);
  concurrencyTests(t);
  mirrorTests(t);
  syncListingFaultTests(t);
  syncBackupTests(t);
  tierGuardTests(t);
  garbageTests(t);
}

/**
 * Declares the conformance suite of the basic tier (`SnapshotStorage`) with your test runner.
 * For a backend that the runtime guard sees as advanced, use {@link describeAdvancedSnapshotStorage}:
 * this suite fails it, because callers would use its advanced methods untested.
 *
 * @example
 * import { describe, it } from "vitest";
 * describeSnapshotStorage({ describe, it }, { name: "MyStorage", create: () => new MyStorage() });
 */
export function describeSnapshotStorage<S extends SnapshotStorage>(api: TestApi, options: SnapshotSuiteOptions<S>): void {
  const t = createSuiteContext(api, options, resolveSettings(options, false));
  t.describe(`${options.name}: SnapshotStorage conformance`, () => basicParts(t));
}
