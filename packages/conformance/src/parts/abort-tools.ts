import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import { isStowageError, type SnapshotStorage } from "@stowage/core";
import { settledAfterAbort } from "../deadline.js";
import { describe as describeError, failureOf } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";

/** The reason every abort test aborts with, so the `AbortError`'s cause can be checked. */
export class AbortReason extends Error {
  constructor() {
    super("aborted on purpose (conformance test)");
    this.name = "AbortReason";
  }
}

/** Asserts an `AbortError`: code `E_ABORTED`, the signal's reason as `cause`. */
export function assertAbortError(error: unknown, reason: unknown, what: string): void {
  assert.ok(isStowageError(error, "E_ABORTED"), `${what} must fail with AbortError (E_ABORTED), got ${describeError(error)}`);
  assert.equal((error as Error).cause, reason, `${what}: the AbortError's cause must be the signal's reason`);
}

/**
 * What `action` (an operation given `signal`) failed with, within the suite's abort deadline from
 * the moment `signal` aborts: an operation that ignores its signal while it waits fails the test
 * with "`what` must reject promptly once its signal aborts" instead of hanging it.
 */
export function failureAfterAbort<S extends SnapshotStorage>(t: SuiteContext<S>, signal: AbortSignal, action: () => unknown, what: string): Promise<unknown> {
  return settledAfterAbort(failureOf(action, what), signal, t.settings.abortDeadlineMs, `${what} must reject promptly once its signal aborts`);
}

/** What a test sees of an {@link abortingSource} while and after a writer reads it. */
export interface AbortingSourceState {
  /** Bytes the writer has taken. */
  pulled: number;
  /** True while the source waits at a `yield` for the writer to ask again. */
  idle: boolean;
  /** True once the source has ended or was asked to return. */
  closed: boolean;
  /** Ends the stall of a stalling source: the rest is then yielded as the writer asks for it. */
  release: () => void;
}

/**
 * A source that yields `data` in 64 KiB chunks, aborts `controller` once `abortAfter` bytes have
 * been taken, and then, with `stall`, waits until `state.release()` (the writer must not wait for
 * it: the abort has to cut the pull in progress), or else goes on yielding the rest slowly (a
 * writer that ignores the signal completes the write, and the test sees it).
 */
export function abortingSource(data: Uint8Array, abortAfter: number, controller: AbortController, reason: unknown, stall: boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const state: AbortingSourceState = { pulled: 0, idle: false, closed: false, release };
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for (let offset = 0; offset < data.byteLength; offset += 64 * 1024) {
        if (offset >= abortAfter && !controller.signal.aborted) {
          controller.abort(reason);
          if (stall) await released;
        }
        await nextTurn();
        const chunk = data.subarray(offset, offset + 64 * 1024);
        state.pulled += chunk.byteLength;
        state.idle = true;
        yield chunk;
        state.idle = false;
      }
    } finally {
      state.closed = true;
    }
  }
  return { chunks: chunks(), state };
}

/** Turns of the event loop a source must sit unasked before a test counts it as left alone. */
const IDLE_TURNS = 20;

/**
 * Resolves once the writer has let go of the source: it ended or was asked to return, or it sat at
 * a `yield` for {@link IDLE_TURNS} turns with nobody asking. Fails, naming the promise, when the
 * writer is still reading it at the abort deadline.
 */
export async function sourceLetGo<S extends SnapshotStorage>(t: SuiteContext<S>, state: AbortingSourceState, what: string): Promise<void> {
  const deadline = Date.now() + t.settings.abortDeadlineMs;
  for (let idleTurns = 0; !state.closed && idleTurns < IDLE_TURNS; ) {
    assert.ok(Date.now() < deadline, `${what} must stop reading its source once it rejected, but still reads it`);
    await nextTurn();
    idleTurns = state.idle ? idleTurns + 1 : 0;
  }
}

/** Asserts what the suite's `debris` hook finds (nothing), when the adapter's test supplies one. */
export async function assertNoDebris<S extends SnapshotStorage>(t: SuiteContext<S>, storage: S, what: string): Promise<void> {
  if (t.debris === undefined) return;
  assert.deepEqual([...(await t.debris(storage))], [], `${what} must leave no debris (temporary files, staged content, multipart uploads)`);
}
