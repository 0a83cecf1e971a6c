import type { SnapshotStorage } from "@stowage/core";

/** What an adapter package exports, seen from the CLI before anything is known about it. */
export type AdapterModule = Readonly<Record<string, unknown>>;

/**
 * A URL scheme served by a first-party `@stowage/*` adapter. The CLI translates the URL into the
 * adapter's constructor options here, until each adapter package exports `createStorageFromUrl`
 * itself (the plugin convention, which wins when present).
 */
export interface FirstPartyScheme {
  /** URL protocols with the colon, as `URL#protocol` spells them: `["redis:", "rediss:"]`. */
  protocols: readonly string[];
  /** The npm package that implements the backend. */
  packageName: string;
  /**
   * Whether the store exists yet, for backends that create it when opened (a local folder).
   * Commands that only read check it first, so a mistyped path is an error, not a new empty store.
   */
  storeExists?(url: URL): Promise<boolean>;
  /** Builds the storage for `url` from the imported package. */
  open(module: AdapterModule, url: URL): SnapshotStorage | Promise<SnapshotStorage>;
}
