export { LocalFileSystemBackend, type LocalFileSystemBackendOptions, type CleanupOptions } from "./local-file-system-backend.js";
export { TEMP_PREFIX } from "./temp-files.js";
export { LINK_SUFFIX, type LinkMode } from "./links.js";
export { LOCAL_BRAND, type LocalSource } from "./native-copy.js";
export { createStorageFromUrl, storageExists } from "./url.js";
