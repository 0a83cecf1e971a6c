export { describeAdapterSync } from "./describe-adapter-sync.js";
export type { AdapterSyncSuiteOptions, AdapterSyncTestApi } from "./options.js";
