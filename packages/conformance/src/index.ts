/**
 * The stowage conformance suites: the blob and object-store contracts as runnable tests, for any
 * test runner.
 * @packageDocumentation
 */
export type { TestApi } from "./test-api.js";
export type { SnapshotSuiteOptions, StorageCapabilities } from "./api.js";
export { DEFAULT_LARGEST_CONTENT_SIZE, DEFAULT_LARGEST_LISTING } from "./api.js";
export { describeSnapshotStorage } from "./describe-snapshot-storage.js";
export { describeAdvancedSnapshotStorage } from "./describe-advanced-snapshot-storage.js";
export { KEY_ATTACKS, PATH_ATTACKS, PREFIX_ATTACKS, type PathAttack } from "./attacks.js";
export { TRICKY_KEYS } from "./parts/keys.js";
export { pseudoRandomBytes, readBytes, sha256 } from "./bytes.js";
export { SourceFailure, failingAfter, gatedSource, type GatedSource } from "./sources.js";
export { describeObjectStore, type ObjectStoreSuiteOptions } from "./object-store/index.js";
export { describeAdapterSync, type AdapterSyncSuiteOptions } from "./adapter-sync/index.js";
export { logSync, type LoggedSync } from "./sync-log.js";
