/** The stowage conformance suite. */
export { describeAdapterSync, type AdapterSyncSuiteOptions, type AdapterSyncTestApi } from "./adapter-sync/index.js";
