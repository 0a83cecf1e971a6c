export { RedisStorage, type RedisStorageOptions } from "./redis-storage.js";
export { type RedisClient, type RedisConnectionOptions } from "./connection.js";
