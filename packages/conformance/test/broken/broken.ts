// By path, not by package name: @stowage/memory depends on this package to run the suite, and a
// dependency back would be a cycle. packages/conformance/turbo.json adds memory's src to the inputs.
import { MemoryStorage } from "../../../memory/src/index.js";

export { MemoryStorage };

/** A deliberately broken backend, and a test (by name fragment) that must catch it. */
export interface BrokenAdapter {
  name: string;
  create: () => MemoryStorage;
  caughtBy: string;
  /** When given, the failure's message must match it: the test names the promise that was broken. */
  message?: RegExp;
}

/** Declares a broken adapter; each differs from MemoryStorage in exactly one plausible bug. */
export const broken = (name: string, caughtBy: string, make: () => MemoryStorage, message?: RegExp): BrokenAdapter => ({
  name,
  caughtBy,
  create: make,
  ...(message === undefined ? {} : { message }),
});
