export { MemoryStorage, type MemoryStorageOptions } from "./memory-storage.js";
export { MemoryStore } from "./memory-store.js";
export { createStorageFromUrl } from "./from-url.js";
