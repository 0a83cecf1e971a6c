import { afterEach, beforeEach } from "vitest";
import { WALK_PACE } from "../src/sorted-walk.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

/** The walks' own pace rule (`WALK_PACE.busyNs`), for a test that restores it. */
export const DEFAULT_BUSY_NS = WALK_PACE.busyNs;
/** The walks' own size rule (`WALK_PACE.minRemaining`), for a test that restores it. */
export const DEFAULT_MIN_REMAINING = WALK_PACE.minRemaining;

/**
 * A fresh sandbox per test, in which every walk past its first lap takes the listing thread
 * however loaded the machine is and however few files are left (both rules are restored after
 * each test).
 */
export function threadedSandbox(): { readonly box: Sandbox } {
  let current: Sandbox | undefined;
  beforeEach(() => {
    current = createSandbox();
    WALK_PACE.busyNs = Number.POSITIVE_INFINITY;
    WALK_PACE.minRemaining = 0;
  });
  afterEach(() => {
    WALK_PACE.busyNs = DEFAULT_BUSY_NS;
    WALK_PACE.minRemaining = DEFAULT_MIN_REMAINING;
    current?.cleanup();
  });
  return {
    get box(): Sandbox {
      if (current === undefined) throw new Error("threadedSandbox().box is there only inside a test");
      return current;
    },
  };
}
