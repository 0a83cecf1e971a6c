import { Readable } from "node:stream";
import { isStowageError, StorageUnavailableError } from "../../errors.js";
import { positiveInteger } from "../../options.js";
import type { WriteContent } from "../content.js";
import { holdingSourceErrors, toChunks } from "../content.js";
import { backendName } from "../guards.js";
import type { ReadOptions, SnapshotStorage, StreamListOptions, StreamReadOptions, WriteOptions } from "../storage.js";
import { layer, method } from "./layer.js";

/** Options of {@link withTimeout}. */
export interface TimeoutOptions {
  /**
   * Longest wait, in ms, for a call that answers once: `list`, `exists`, `stat`, `delete`,
   * `atomicMove`, `recursiveList`, `read` until its stream is open, and a `write` of bytes or a
   * string. Default 30,000.
   */
  operationMs?: number;
  /**
   * Longest wait, in ms, for the backend's next step of a transfer: the next chunk of `read`'s
   * stream or of `streamRead`, the next entry of `streamList`, and for a streamed `write`, the
   * backend's next pull of a chunk (or its commit after the last one). Time spent waiting for the
   * caller's source or the caller's own reading is not counted: a transfer of any size and speed
   * passes as long as the backend keeps moving. Default 30,000.
   */
  idleMs?: number;
}

/**
 * The storage with deadlines on every call (OpenDAL's `TimeoutLayer`), for bridges and
 * third-party backends that have none of their own. A call past its deadline rejects with
 * `StorageUnavailableError` (`E_UNAVAILABLE`, "timed out"), and a call that takes a signal is
 * aborted through it, so a write cut this way keeps the old content as any aborted write does.
 * A call that takes no signal cannot be stopped: its late outcome is dropped. Bad options:
 * `InvalidOptionsError` (`E_INVALID_OPTIONS`). Brands and the backend name pass through (see
 * `layer`), so native copies still apply.
 */
export function withTimeout<S extends SnapshotStorage>(storage: S, options: TimeoutOptions = {}): S {
  const operationMs = positiveInteger("operationMs", options.operationMs ?? 30_000, "withTimeout");
  const idleMs = positiveInteger("idleMs", options.idleMs ?? 30_000, "withTimeout");
  const name = backendName(storage);
  const timedOut = (what: string, ms: number, kind: string): StorageUnavailableError =>
    new StorageUnavailableError(`${name}: ${what} timed out after ${ms} ms ${kind}`);
  const once = <A extends unknown[], R>(op: string) => {
    const call = method<A, Promise<R>>(storage, op);
    return (...args: A): Promise<R> => withDeadline(call(...args), operationMs, () => timedOut(`${op} of '${String(args[0])}'`, operationMs, "without an answer"));
  };
  return layer(storage, {
    list: once("list"),
    exists: once("exists"),
    stat: once("stat"),
    md5: once("md5"),
    delete: once("delete"),
    atomicMove: once("atomicMove"),
    recursiveList: once("recursiveList"),
    read: async (key: string, readOptions: ReadOptions = {}) => {
      const { controller, signal } = deadlineSignal(readOptions.signal);
      const stream = await withDeadline(
        method<[string, ReadOptions], Promise<Readable>>(storage, "read")(key, { ...readOptions, signal }),
        operationMs,
        () => timedOut(`read of '${key}'`, operationMs, "before its stream opened"),
        controller,
      );
      return Readable.from(idleGuard(stream, idleMs, () => timedOut(`read of '${key}'`, idleMs, "without a chunk"), () => stream.destroy()), { objectMode: false });
    },
    streamRead: (key: string, readOptions?: StreamReadOptions) =>
      idleGuard(method<[string, StreamReadOptions?], AsyncIterable<Uint8Array>>(storage, "streamRead")(key, readOptions), idleMs, () =>
        timedOut(`streamRead of '${key}'`, idleMs, "without a chunk"),
      ),
    streamList: (prefix: string, listOptions?: StreamListOptions) =>
      idleGuard(method<[string, StreamListOptions?], AsyncIterable<unknown>>(storage, "streamList")(prefix, listOptions), idleMs, () =>
        timedOut(`streamList of '${prefix}'`, idleMs, "without an entry"),
      ),
    write: (key: string, content: WriteContent, writeOptions?: WriteOptions) => guardedWrite(storage, "write", key, content, writeOptions),
    streamWrite: (key: string, content: WriteContent, writeOptions?: WriteOptions) => guardedWrite(storage, "streamWrite", key, content, writeOptions),
  });

  /** A write with a deadline: the whole call for bytes and strings, else the backend's idle time. */
  async function guardedWrite(target: S, op: string, key: string, content: WriteContent, writeOptions: WriteOptions = {}): Promise<void> {
    const call = method<[string, WriteContent, WriteOptions], Promise<void>>(target, op);
    const { controller, signal } = deadlineSignal(writeOptions.signal);
    const signalled = { ...writeOptions, signal };
    if (typeof content === "string" || content instanceof Uint8Array) {
      return withDeadline(call(key, content, signalled), operationMs, () => timedOut(`${op} of '${key}'`, operationMs, "without an answer"), controller);
    }
    const watch = new IdleWatch(idleMs, () => controller.abort(timedOut(`${op} of '${key}'`, idleMs, "while the backend did not move")));
    try {
      // The backend sees the watch's chunks, not the caller's Readable: hold the Readable's errors here.
      await holdingSourceErrors(content, () => call(key, watch.chunks(content), signalled));
    } catch (error) {
      throw timeoutReason(controller, writeOptions.signal) ?? error;
    } finally {
      watch.stop();
    }
  }
}

/** Waits for `pending`, or rejects with `onTimeout()` after `ms` (aborting `controller` with it). */
async function withDeadline<T>(pending: Promise<T>, ms: number, onTimeout: () => Error, controller?: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = onTimeout();
      controller?.abort(error);
      reject(error);
    }, ms);
  });
  pending.catch(() => undefined); // a late failure after the deadline is dropped
  try {
    return await Promise.race([pending, expired]);
  } catch (error) {
    throw (controller && timeoutReason(controller, undefined)) ?? error;
  } finally {
    clearTimeout(timer);
  }
}

/** The iterable, failing with `onTimeout()` when one step takes longer than `ms` (then `onExpire`). */
async function* idleGuard<T>(source: AsyncIterable<T>, ms: number, onTimeout: () => Error, onExpire?: () => void): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await withDeadline(iterator.next(), ms, () => {
        onExpire?.();
        return onTimeout();
      });
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) await Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/**
 * Times the backend's side of a streamed write: from each chunk handed over until the backend
 * asks for the next, and from the source's end until the write settles.
 */
class IdleWatch {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly expire: () => void,
  ) {}

  async *chunks(content: WriteContent): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of toChunks(content)) {
      this.#arm();
      yield chunk;
      this.#disarm();
    }
    this.#arm();
  }

  stop(): void {
    this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    this.#timer = setTimeout(this.expire, this.ms);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The layer's own controller (only its deadlines abort it) and the signal to pass down: the
 * caller's and the layer's together (`AbortSignal.any` holds no listener on the caller's signal
 * past the call, so many calls on one signal do not pile up listeners).
 */
function deadlineSignal(callerSignal: AbortSignal | undefined): { controller: AbortController; signal: AbortSignal } {
  const controller = new AbortController();
  return { controller, signal: callerSignal === undefined ? controller.signal : AbortSignal.any([callerSignal, controller.signal]) };
}

/** The timeout this layer aborted `controller` with, unless the caller's own signal aborted first. */
function timeoutReason(controller: AbortController, callerSignal: AbortSignal | undefined): Error | undefined {
  if (!controller.signal.aborted || callerSignal?.aborted === true) return undefined;
  const reason: unknown = controller.signal.reason;
  return isStowageError(reason, "E_UNAVAILABLE") ? reason : undefined;
}
