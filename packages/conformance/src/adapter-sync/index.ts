export { describeAdapterSync } from "./describe-adapter-sync.js";
export type { AdapterSyncSuiteOptions } from "./options.js";
