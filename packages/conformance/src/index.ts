/**
 * The stowage conformance suite: the blob contract as runnable tests, for any test runner.
 * @packageDocumentation
 */
export type { SnapshotSuiteOptions, StorageCapabilities, TestApi } from "./api.js";
export { DEFAULT_LARGEST_CONTENT_SIZE } from "./api.js";
export { describeSnapshotStorage } from "./describe-snapshot-storage.js";
export { describeAdvancedSnapshotStorage } from "./describe-advanced-snapshot-storage.js";
export { KEY_ATTACKS, PATH_ATTACKS, PREFIX_ATTACKS, type PathAttack } from "./attacks.js";
export { TRICKY_KEYS } from "./parts/keys.js";
export { describeObjectStore, type ObjectStoreSuiteOptions, type ObjectStoreTestApi } from "./object-store/index.js";
