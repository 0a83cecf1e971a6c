export { FlydriveStorage, type FlydriveStorageOptions } from "./flydrive-storage.js";
export { decodeKey, encodeKey } from "./key-codec.js";
