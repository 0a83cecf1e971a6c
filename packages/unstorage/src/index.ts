export { UnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";
export { decodeKey, encodeKey } from "./key-codec.js";
