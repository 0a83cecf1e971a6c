/** The stowage conformance suite. */
export {};
export { describeObjectStore, type ObjectStoreSuiteOptions, type ObjectStoreTestApi } from "./object-store/index.js";
