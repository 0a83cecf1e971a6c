export { UnstorageStorage, DEFAULT_MAX_BUFFER_BYTES, type UnstorageStorageOptions } from "./unstorage-storage.js";
export { decodeKey, encodeKey } from "./key-codec.js";
