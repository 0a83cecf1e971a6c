import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { SnapshotStorage, WriteContent, WriteOptions } from "@stowage/core";
import { pseudoRandomBytes } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll, writeAll } from "../inspect.js";
import { AbortReason, abortingSource, assertAbortError, assertNoDebris, failureAfterAbort, sourceLetGo } from "./abort-tools.js";

/** A way of writing (`write` or `streamWrite`). */
export type Writer<S> = (storage: S, key: string, content: WriteContent, options: WriteOptions) => Promise<void>;

/**
 * An aborted write is over when it rejects: a writer that rejects at once but lets its upload, its
 * staged copy or its background read of the source go on can still commit (part of) the content
 * later. So once the write has rejected, the test lets the stalled source resume, waits until the
 * writer has let go of it, and checks again: old content, nothing new, no debris.
 */
export function lateAbortTest<S extends SnapshotStorage>(t: SuiteContext<S>, via: string, write: Writer<S>): void {
  t.test(`${via}: an aborted write changes nothing afterwards, even once its source resumes`, async (storage) => {
    await writeAll(storage, { "dir/existing": "old content" });
    const before = await snapshotAll(storage, t.settings);
    const data = pseudoRandomBytes(8 * 64 * 1024, 36);
    for (const key of ["dir/existing", "new/file"]) {
      const controller = new AbortController();
      const reason = new AbortReason();
      const { chunks, state } = abortingSource(data, 3 * 64 * 1024, controller, reason, true);
      const what = `${via}('${key}') aborted while its source stalls`;
      assertAbortError(await failureAfterAbort(t, controller.signal, () => write(storage, key, chunks, { signal: controller.signal }), what), reason, what);
      const pulledAtRejection = state.pulled;
      state.release();
      await sourceLetGo(t, state, what);
      // At most the chunk that was pending at the abort, which the writer may receive and drop.
      assert.ok(state.pulled <= pulledAtRejection + 64 * 1024, `${what} must read nothing more from its source once it rejected`);
    }
    // Whatever the writers still had in flight has had the turns to land by now.
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    await assertUnchanged(storage, t.settings, before, `a ${via} aborted, once its source resumed`);
    assert.deepEqual(await storage.list(""), ["dir/"], `a ${via} aborted must not create its file later`);
    await assertNoDebris(t, storage, `a ${via} aborted, once its source resumed`);
  });
}
