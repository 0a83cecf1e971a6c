import type { AdvancedSnapshotStorage } from "@stowage/core";
import { resolveSettings, type SnapshotSuiteOptions } from "./api.js";
import type { TestApi } from "./test-api.js";
import { basicParts } from "./describe-snapshot-storage.js";
import { createSuiteContext } from "./fixture.js";
import { advancedAbortTests } from "./parts/abort.js";
import { atomicMoveTests } from "./parts/atomic-move.js";
import { streamWriteAtomicityTests } from "./parts/atomicity.js";
import { streamWriteTests } from "./parts/content-forms.js";
import { streamedContentSizeTests } from "./parts/content-sizes.js";
import { advancedConflictTests, advancedErrorTests } from "./parts/errors.js";
import { recursiveListTests } from "./parts/listing.js";
import { advancedPathAttackTests } from "./parts/path-attacks.js";
import { mtimeTests } from "./parts/mtime.js";
import { timesAndTypesTests } from "./parts/times-and-types.js";
import { statTests } from "./parts/stat.js";
import { streamListTests } from "./parts/stream-list.js";
import { streamChunkTests } from "./parts/stream-chunks.js";
import { syncTests } from "./parts/sync.js";
import { syncFilterTests } from "./parts/sync-filters.js";

/**
 * Declares the conformance suite of the advanced tier (`AdvancedSnapshotStorage`): every basic
 * part, then streaming, atomic moves, deep listings (arrays and streams), stat, modification times, cancellation (abort signals), sync and its filters and delete limit, with your test runner.
 *
 * @example
 * import { describe, it } from "node:test";
 * describeAdvancedSnapshotStorage({ describe, it }, { name: "MyStorage", create: () => new MyStorage() });
 */
export function describeAdvancedSnapshotStorage<S extends AdvancedSnapshotStorage>(
  api: TestApi,
  options: SnapshotSuiteOptions<S>,
): void {
  const t = createSuiteContext(api, options, resolveSettings(options, true));
  t.describe(`${options.name}: AdvancedSnapshotStorage conformance`, () => {
    basicParts(t);
    streamWriteTests(t);
    streamedContentSizeTests(t);
    streamChunkTests(t);
    recursiveListTests(t);
    streamListTests(t);
    advancedPathAttackTests(t);
    advancedErrorTests(t);
    advancedConflictTests(t);
    streamWriteAtomicityTests(t);
    advancedAbortTests(t);
    atomicMoveTests(t);
    statTests(t);
    mtimeTests(t);
    timesAndTypesTests(t);
    syncTests(t);
    syncFilterTests(t);
  });
}
