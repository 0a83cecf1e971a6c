import assert from "node:assert/strict";
import type { TestApi } from "./test-api.js";

/**
 * Default deadline of one suite test, in ms: 120 s, far above what any test takes on a backend
 * behind a network, and finite, so that a test whose adapter never answers fails on its own
 * under a runner with no timeout (`node:test`) instead of hanging the file.
 */
export const DEFAULT_TEST_DEADLINE_MS = 120_000;

/**
 * Default time an adapter has to settle after its signal aborts, in ms: 10 s. The contract says
 * "promptly" (at the next chunk, or while waiting for a slow source or request).
 */
export const DEFAULT_ABORT_DEADLINE_MS = 10_000;

/** The deadlines of one suite run, resolved from its options. */
export interface Deadlines {
  /** Of one whole test (see {@link DEFAULT_TEST_DEADLINE_MS}). */
  testMs: number;
  /** Of a wait for an aborted operation to settle (see {@link DEFAULT_ABORT_DEADLINE_MS}). */
  abortMs: number;
}

/** Applies the defaults and checks the numbers, so a typo fails loudly instead of disabling a deadline. */
export function resolveDeadlines(options: { testDeadlineMs?: number | undefined; abortDeadlineMs?: number | undefined }): Deadlines {
  const deadlines = { testMs: options.testDeadlineMs ?? DEFAULT_TEST_DEADLINE_MS, abortMs: options.abortDeadlineMs ?? DEFAULT_ABORT_DEADLINE_MS };
  for (const [name, value] of [["testDeadlineMs", deadlines.testMs], ["abortDeadlineMs", deadlines.abortMs]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return deadlines;
}

/**
 * Settles as `work` does, or rejects with an `AssertionError` that names `promise` (the broken
 * promise of the contract) once `ms` have passed. The timer keeps the process alive while it runs
 * (so a runner without timeouts still gets the failure) and is cleared as soon as `work` settles.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number, promise: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new assert.AssertionError({ message: `${promise}: still not settled after ${formatMs(ms)} (the conformance suite's deadline)` }));
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same runner, with every test held to `ms`: a test that does not finish in time fails
 * with its own name (each test is named for the promise it checks).
 */
export function withTestDeadline(api: TestApi, ms: number): TestApi {
  return {
    ...api,
    it: (name, fn) => api.it(name, () => withinDeadline(fn(), ms, `"${name}": the adapter left a call unanswered`)),
  };
}


/**
 * Settles as `work` does, or rejects with an `AssertionError` naming `promise` once `ms` have
 * passed since `signal` aborted: the clock starts at the abort, so a slow transfer before it
 * does not count, and a signal that never aborts leaves `work` to the test's own deadline.
 */
export async function settledAfterAbort<T>(work: Promise<T>, signal: AbortSignal, ms: number, promise: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let start: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    start = () => {
      timer = setTimeout(() => {
        reject(new assert.AssertionError({ message: `${promise}: still not settled ${formatMs(ms)} after the abort (the conformance suite's deadline)` }));
      }, ms);
    };
    if (signal.aborted) start();
    else signal.addEventListener("abort", start, { once: true });
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    if (start !== undefined) signal.removeEventListener("abort", start);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
