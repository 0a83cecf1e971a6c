/**
 * The in-memory object store. Its implementation lives in `@stowage/core`, because the core
 * `Adapter` uses it as its default store and core depends on no adapter package; it is re-exported
 * here so both in-memory backends (blob and object) are found in one place.
 */
export { MemoryStore } from "@stowage/core";
