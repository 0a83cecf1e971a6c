import { Readable } from "node:stream";
import type { FileStat } from "./storage.js";

/**
 * A read's `onStat` (see `ReadOptions.onStat`) as a backend receives it: a listener that throws
 * does not throw into the backend (where it would pass for the backend's own failure, and an S3
 * response body would keep its connection). Its error is kept and becomes the read's, as thrown,
 * once the backend's content is released unread.
 */
export class StatListener {
  #heard: { error: unknown } | undefined;
  /** What the backend calls; `undefined` when the caller gave no listener. */
  readonly onStat: ((stat: FileStat) => void) | undefined;

  constructor(listener: ((stat: FileStat) => void) | undefined) {
    this.onStat =
      listener === undefined
        ? undefined
        : (stat) => {
            try {
              listener(stat);
            } catch (error) {
              this.#heard ??= { error };
            }
          };
  }

  /** Rejects with the listener's error, after releasing `opened`, when it threw; else does nothing. */
  async settle(opened: Readable | AsyncIterable<Uint8Array>): Promise<void> {
    if (this.#heard === undefined) return;
    if (opened instanceof Readable) opened.destroy();
    else await opened[Symbol.asyncIterator]().return?.();
    throw this.#heard.error;
  }
}
