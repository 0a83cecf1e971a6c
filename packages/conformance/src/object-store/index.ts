export { describeObjectStore } from "./describe-object-store.js";
export type { ObjectStoreSuiteOptions } from "./options.js";
