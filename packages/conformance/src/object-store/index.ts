export { describeObjectStore } from "./describe-object-store.js";
export type { ObjectStoreSuiteOptions, ObjectStoreTestApi } from "./options.js";
