export { S3Storage } from "./s3-storage.js";
export type { S3StorageOptions } from "./s3-storage-options.js";
export { S3Store, type S3StoreOptions } from "./s3-store.js";
export { DEFAULT_S3_TIMEOUTS, type S3ClientChoice, type S3Transport } from "./s3-client.js";
export { AbortFailure } from "./abort-upload.js";
export { S3RetryStrategy, DEFAULT_S3_RETRY, type S3RetryOptions } from "./retry-strategy.js";
export { createStorageFromUrl, S3_URL_PARAMETERS } from "./s3-url.js";
