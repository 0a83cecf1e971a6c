import type { LuaScript } from "./lua-script.js";

/**
 * Keys (with arguments about them) that many items of a batch share, such as the index sets of one
 * model in one hash slot: a script run carries each once, however many of its items use it. Items
 * share one only by passing the same object, so callers keep one per set of keys.
 */
export interface SharedKeys {
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/** One item of a script run: its own key (if any), its arguments, and the keys it shares. */
export interface BatchItem {
  key: string | undefined;
  args: readonly string[];
  shared: SharedKeys;
}

/** One call waiting in a {@link ScriptBatcher}. */
interface Pending extends BatchItem {
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

/** How a batch is sent to a script: keys and arguments in the layout {@link ScriptBatcher} describes. */
export type ScriptRunner = (script: LuaScript, keys: string[], args: (string | number)[]) => Promise<unknown>;

/** Most calls merged into one script run: bounds how long one run blocks the server. */
const MAX_BATCH = 1000;

/**
 * Merges the calls of a per-item script made in the same tick (before the `process.nextTick`
 * callback the first of them queues, e.g. every call of one `Promise.all(items.map(...))`) into
 * one run of the script (one per group: a hash slot on a cluster). A thousand `add`s issued together cost one round trip and one
 * script call instead of a thousand, and each item is still applied atomically.
 *
 * The script gets, for m distinct {@link SharedKeys} s1..sm and items 1..n:
 * - KEYS: s1.keys, ..., sm.keys, then one key per item (none for an item called without one);
 * - ARGV: m, s1.args, ..., sm.args, then per item its arguments followed by its shared entry's
 *   number (1..m);
 *
 * and returns one reply per item, in order. Each shared entry is sent once per run rather than
 * once per item: the index keys were a large share of the bytes of a bulk add.
 */
export class ScriptBatcher {
  readonly #script: LuaScript;
  readonly #single: LuaScript;
  readonly #run: ScriptRunner;
  #queues = new Map<string | number, Pending[]>();
  #scheduled = false;

  /**
   * `script` runs a batch in the layout above; `single` runs one item, with KEYS its shared keys
   * then its own key (if any), ARGV its shared arguments then its own, and replies that item's
   * reply. A lone call (the usual case of one awaited call at a time) takes `single`: Redis ran
   * the batch script for one item in about 14 µs, the one-object insert script in about 5
   * (`INFO commandstats`, the HSETNX and SADD inside included).
   */
  constructor(script: LuaScript, single: LuaScript, run: ScriptRunner) {
    this.#script = script;
    this.#single = single;
    this.#run = run;
  }

  /**
   * Queues one item (its key, or `undefined` for an item whose keys are all shared; its arguments;
   * its shared keys) in `group`; resolves with the script's reply for it.
   */
  call(group: string | number, key: string | undefined, args: readonly string[], shared: SharedKeys): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(group) ?? [];
      queue.push({ key, args, shared, resolve, reject });
      this.#queues.set(group, queue);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // process.nextTick, not setImmediate: the calls made in the current synchronous run are
        // merged, and a lone call is sent without waiting for an event-loop turn, which cost a
        // lone awaited add most of its client-side time.
        process.nextTick(() => this.#flush());
      }
    });
  }

  /**
   * Runs the script for `items` at once, all of one group, without queueing: up to 1000 per run,
   * the runs sent together. Resolves the replies in order. For bulk calls, which know their items
   * up front: no promise per item.
   */
  async callMany(items: readonly BatchItem[]): Promise<unknown[]> {
    const runs: Promise<unknown[]>[] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH) runs.push(this.#runBatch(items.slice(i, i + MAX_BATCH)));
    return (await Promise.all(runs)).flat();
  }

  #flush(): void {
    const queues = this.#queues;
    this.#queues = new Map();
    this.#scheduled = false;
    for (const queue of queues.values()) {
      for (let i = 0; i < queue.length; i += MAX_BATCH) void this.#send(queue.slice(i, i + MAX_BATCH));
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      const replies = await this.#runBatch(batch);
      batch.forEach((item, i) => item.resolve(replies[i]));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  /** One script run for `batch`, in the layout the class describes. */
  async #runBatch(batch: readonly BatchItem[]): Promise<unknown[]> {
    if (batch.length === 1) {
      const item = batch[0] as BatchItem;
      const keys = item.key === undefined ? [...item.shared.keys] : [...item.shared.keys, item.key];
      return [await this.#run(this.#single, keys, [...item.shared.args, ...item.args])];
    }
    // Plain loops: flatMap's per-item arrays were a visible share of a bulk add's time.
    const refs = new Map<SharedKeys, number>();
    const keys: string[] = [];
    // args[0] becomes the number of shared entries once they are counted.
    const args: (string | number)[] = [0];
    for (const item of batch) {
      if (refs.has(item.shared)) continue;
      refs.set(item.shared, refs.size + 1);
      for (const key of item.shared.keys) keys.push(key);
      for (const arg of item.shared.args) args.push(arg);
    }
    args[0] = refs.size;
    for (const item of batch) {
      if (item.key !== undefined) keys.push(item.key);
      for (const arg of item.args) args.push(arg);
      args.push(refs.get(item.shared) as number);
    }
    return (await this.#run(this.#script, keys, args)) as unknown[];
  }
}
