export { MemoryStorage, type MemoryStorageOptions } from "./memory-storage.js";
export { createStorageFromUrl } from "./from-url.js";
