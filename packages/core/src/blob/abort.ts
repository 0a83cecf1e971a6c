import { Readable } from "node:stream";
import { abortErrorOf, type AbortError } from "../errors.js";
import { toChunks, type WriteContent } from "./content.js";

/**
 * Cancellation of blob reads and writes (the `signal` of {@link AbortOptions}), once for every
 * adapter: an adapter wraps the content it writes in {@link abortableChunks} and the stream it
 * returns in {@link abortableReadable}, so an abort reaches it as a failing source (its ordinary
 * "source failed half-way" path then keeps the old content and removes what it staged) or as a
 * destroyed stream.
 */

/**
 * The chunks of `content` (any {@link WriteContent}, as {@link toChunks} yields them), cut short
 * when `signal` aborts: the next pull, or the pull in progress however long the source stalls,
 * throws {@link AbortError} (`E_ABORTED`, the signal's reason as `cause`). The source is then
 * stopped: a `Readable` is destroyed with that error, an iterator is asked to return. An
 * already-aborted signal throws on the first pull, before the source is touched; an abort after
 * the last chunk but before the consumer has seen the end also throws, so a writer that commits
 * only after the end never commits an aborted write. Without a signal, the chunks pass through.
 */
export async function* abortableChunks(
  content: WriteContent,
  signal: AbortSignal | undefined,
  what: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (signal === undefined) {
    yield* toChunks(content);
    return;
  }
  if (signal.aborted) throw abortErrorOf(signal, what);
  const chunks = toChunks(content);
  let cut: AbortError | undefined;
  try {
    for (;;) {
      if (signal.aborted) throw (cut = abortErrorOf(signal, what));
      let next: IteratorResult<Uint8Array>;
      try {
        next = await pullOrAbort(chunks, signal);
      } catch (error) {
        if (signal.aborted) cut = abortErrorOf(signal, what);
        throw cut ?? error;
      }
      if (next.done === true) break;
      yield next.value;
    }
    if (signal.aborted) throw (cut = abortErrorOf(signal, what));
  } finally {
    if (cut === undefined) {
      await chunks.return(undefined);
    } else {
      // The pull may still be pending: destroy a Readable now (its pending read fails at once),
      // and let any other source finish its pending step before it is asked to return.
      if (content instanceof Readable) content.destroy(cut);
      chunks.return(undefined).catch(() => undefined);
    }
  }
}

/**
 * The next step of `chunks`, or a rejection as soon as `signal` aborts. One listener per pull,
 * removed when the pull settles: racing every pull against one long-lived "aborted" promise would
 * keep every chunk reachable from that promise's reactions until the signal is collected.
 */
function pullOrAbort(chunks: AsyncIterator<Uint8Array>, signal: AbortSignal): Promise<IteratorResult<Uint8Array>> {
  return new Promise((resolve, reject) => {
    const stop = whenAborted(signal, () => reject(new Error("aborted")));
    chunks.next().then(
      (step) => {
        stop();
        resolve(step);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}

/** The callbacks waiting on one signal, and the one listener that runs them. */
interface AbortWatch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, AbortWatch>();

/**
 * Runs `callback` once when `signal` aborts; returns the function that forgets it. However many
 * reads, writes and pulls wait on one signal at once (a sync of thousands of files shares its
 * caller's), the signal carries one listener: one each would pile up past Node's limit of 10 and
 * print a `MaxListenersExceededWarning`. The listener goes when the last callback is forgotten.
 */
function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      watches.delete(signal);
      for (const waiting of [...callbacks]) waiting();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { callbacks, listener } = watch;
  // A distinct entry per call, so that one callback registered twice is forgotten once at a time.
  const entry = (): void => callback();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    if (watches.get(signal)?.callbacks === callbacks) watches.delete(signal);
    signal.removeEventListener("abort", listener);
  };
}

/**
 * Destroys `stream` with {@link AbortError} (`E_ABORTED`, the signal's reason as `cause`) when
 * `signal` aborts, at once if it already is; the listener goes when the stream closes. Returns
 * `stream`. Node's own `addAbortSignal` does the same with Node's `AbortError`, which is not a
 * stowage error.
 */
export function abortableReadable<T extends Readable>(stream: T, signal: AbortSignal | undefined, what: string): T {
  if (signal === undefined || stream.destroyed) return stream;
  if (signal.aborted) {
    destroyQuietly(stream, abortErrorOf(signal, what));
    return stream;
  }
  const stop = whenAborted(signal, () => destroyQuietly(stream, abortErrorOf(signal, what)));
  stream.once("close", stop);
  return stream;
}

/**
 * Destroys `stream` with `error` without crashing the process when no one listens yet: the stream
 * may be in no consumer's hands at that moment (a writer still awaiting its own checks before it
 * reads), and an `'error'` event without a listener is thrown as uncaught. The error stays on the
 * stream (`errored`), so a consumer that starts afterwards still fails with it.
 */
function destroyQuietly(stream: Readable, error: Error): void {
  if (stream.destroyed) return;
  stream.once("error", () => undefined);
  stream.destroy(error);
}
