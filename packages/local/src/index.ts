export { LocalFileSystemBackend, type LocalFileSystemBackendOptions, type CleanupOptions } from "./local-file-system-backend.js";
export { TEMP_PREFIX } from "./temp-files.js";
