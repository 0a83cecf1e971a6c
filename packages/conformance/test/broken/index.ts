import type { BrokenAdapter } from "./broken.js";
import { LISTING_BUGS } from "./listing.js";
import { WRITING_BUGS } from "./writing.js";
import { READING_BUGS } from "./reading.js";
import { ADVANCED_BUGS } from "./advanced.js";
import { SYNC_BUGS } from "./sync.js";
import { ABORT_BUGS } from "./abort.js";
import { PROMISE_BUGS } from "./promises.js";

export type { BrokenAdapter };

/** Every deliberately broken adapter the suite must catch. */
export const BROKEN_ADAPTERS: readonly BrokenAdapter[] = [
  ...LISTING_BUGS,
  ...WRITING_BUGS,
  ...READING_BUGS,
  ...ADVANCED_BUGS,
  ...SYNC_BUGS,
  ...ABORT_BUGS,
  ...PROMISE_BUGS,
];
