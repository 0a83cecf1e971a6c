export { RedisStorage, type RedisStorageOptions } from "./redis-storage.js";
export { createStorageFromUrl } from "./from-url.js";
export { type RedisClient, type RedisConnectionOptions } from "./connection.js";
export { RedisStore, UNAVAILABLE_MESSAGE, type RedisStoreOptions } from "./redis-store.js";
export { SHARDS, escapeKeyPart, unescapeKeyPart, shardOf } from "./store-keys.js";
