/**
 * The URL schemes of the first-party adapters: which `@stowage/*` package serves each. Every
 * adapter reads its own URLs (its `createStorageFromUrl`, the plugin convention third parties
 * follow too), so the CLI knows nothing of their options: only this table.
 */
export interface FirstPartyScheme {
  /** URL protocols with the colon, as `URL#protocol` spells them: `["redis:", "rediss:"]`. */
  protocols: readonly string[];
  /** The npm package that implements the backend. */
  packageName: string;
}

/** The first-party schemes. */
export const FIRST_PARTY_SCHEMES: readonly FirstPartyScheme[] = [
  { protocols: ["file:"], packageName: "@stowage/local" },
  { protocols: ["memory:"], packageName: "@stowage/memory" },
  { protocols: ["redis:", "rediss:", "redis+unix:"], packageName: "@stowage/redis" },
  { protocols: ["s3:"], packageName: "@stowage/s3" },
];

/** What an adapter package exports, seen from the CLI before anything is known about it. */
export type AdapterModule = Readonly<Record<string, unknown>>;
