// Types of families.mjs, for the test that imports it.
import type { AdapterDict } from "@stowage/core";

/** Families (device names) in v1 ∪ v2. */
export declare const FAMILIES: number;
/** The source data of a version of the network, as an AdapterDict. */
export declare function networkVersion(version: "v1" | "v2"): AdapterDict;
/** Each family's state as a canonical string, by device name, from the objects' fields. */
export declare function familyStates(devices: readonly Record<string, unknown>[], interfaces: readonly Record<string, unknown>[]): Map<string, string>;
/** {@link familyStates} of a version's dict. */
export declare function expectedStates(version: "v1" | "v2"): Map<string, string>;
