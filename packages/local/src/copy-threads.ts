import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { copyWorker, type CopyAnswer, type CopyBatch, type CopyJob, type CopyOutcome, type ListJob, type ListOutcome } from "./copy-worker.js";

/**
 * A small pool of threads that do local copies synchronously (see `copy-worker.ts`), so that a
 * sync of many small files uses every core: the main thread walks, merges and decides, and posts
 * the copies in batches; each thread copies a batch and answers once. The same pool, with one
 * thread, reads a big walk's folders (see `thread-listing.ts`).
 *
 * Batches: jobs of one kind asked for in one turn of the event loop are gathered (up to
 * {@link BATCH}) and posted to the thread with the fewest jobs in hand. Memory: the jobs in
 * flight, which the sync bounds (see `SyncCopier.queueDepth`), or the walk's read-ahead.
 */

/** Copies per message: enough to make a message's cost small beside the copies, few enough to spread them. */
const BATCH = 16;

/**
 * Threads: one per core, at least 2 and at most 4. Each costs about 8 MiB of memory (its own V8
 * heap), which is what keeps the count low even for durable copies, whose fsyncs wait on the disk.
 */
export function copyThreadCount(): number {
  return Math.max(2, Math.min(4, availableParallelism()));
}

interface Pending {
  job: CopyJob | ListJob;
  settle: (outcome: CopyOutcome | ListOutcome) => void;
}

interface Lane {
  worker: Worker;
  /** The batches posted and not yet answered, by id. */
  batches: Map<number, Pending[]>;
  /** Jobs in those batches. */
  load: number;
  /** The timer that ends the thread once idle (see `idleMs`). */
  idle: NodeJS.Timeout | undefined;
}

/** The pool. Threads start with the first copy and are ended by {@link CopyThreads.close}. */
export class CopyThreads {
  readonly #lanes: Lane[] = [];
  /** Copies waiting to be posted; listings wait apart, since a batch holds one kind of job. */
  #queue: Pending[] = [];
  #listings: Pending[] = [];
  #scheduled = false;
  #failure: Error | undefined;
  /** Why no thread could start, once one could not: every later job is answered `no-thread` at once. */
  #unavailable: string | undefined;
  #batches = 0;

  /**
   * @param idleMs when given, a thread with nothing in hand for this long (ms) ends, and a later
   * job starts another: for a pool that lives as long as its backend, not one sync.
   * @param youngMb each thread's young generation (MiB): a copy allocates a few small objects, so
   * 1 is plenty; a listing allocates a `BigIntStats` per file, and 1 MiB would be scavenged
   * hundreds of times a second.
   */
  constructor(
    private readonly durable: boolean,
    private readonly threads = copyThreadCount(),
    private readonly idleMs?: number,
    private readonly youngMb = 1,
  ) {}

  /**
   * Copies `job` on a thread; resolves with its outcome (`no-thread` when no thread can start),
   * rejects only when a thread died.
   */
  copy(job: CopyJob): Promise<CopyOutcome> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#unavailable !== undefined) return Promise.resolve({ ok: false, stage: "no-thread", message: this.#unavailable });
    return new Promise((resolve) => {
      // A copy's answer is a CopyOutcome: the thread answers each batch in kind.
      this.#queue.push({ job, settle: (outcome) => resolve(outcome as CopyOutcome) });
      this.#schedule(this.#queue.length);
    });
  }

  /**
   * `job`'s folder read and its files lstatted on a thread; rejects when a thread died or none can
   * start. A failure to read or stat comes back in the {@link ListOutcome}.
   */
  list(job: ListJob): Promise<ListOutcome> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#unavailable !== undefined) return Promise.reject(new Error(this.#unavailable));
    return new Promise((resolve, reject) => {
      // A CopyOutcome here is the pool's own report of a thread that died.
      const settle = (outcome: CopyOutcome | ListOutcome): void => ("types" in outcome ? resolve(outcome) : reject(new Error(outcome.ok ? "no answer from the copy thread" : outcome.message)));
      this.#listings.push({ job, settle });
      this.#schedule(this.#listings.length);
    });
  }

  /** True once no thread could start: every later job is answered at once, without a thread. */
  get unavailable(): boolean {
    return this.#unavailable !== undefined;
  }

  #schedule(queued: number): void {
    if (queued >= BATCH) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Ends the threads once the copies posted are answered. */
  async close(): Promise<void> {
    this.#flush();
    const lanes = this.#lanes.splice(0);
    for (const lane of lanes) clearTimeout(lane.idle);
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#listings.length > 0) {
      this.#post(this.#listings);
      this.#listings = [];
    }
    if (this.#queue.length > 0) {
      this.#post(this.#queue);
      this.#queue = [];
    }
  }

  #post(batch: Pending[]): void {
    let lane: Lane;
    try {
      lane = this.#leastLoaded();
    } catch (error) {
      // No thread could start (a thread limit, no memory, `--permission` without workers).
      this.#unavailable ??= `a copy thread could not start: ${error instanceof Error ? error.message : String(error)}`;
      for (const pending of batch) pending.settle({ ok: false, stage: "no-thread", message: this.#unavailable });
      return;
    }
    const id = ++this.#batches;
    lane.batches.set(id, batch);
    lane.load += batch.length;
    clearTimeout(lane.idle);
    lane.worker.ref();
    lane.worker.postMessage({ id, jobs: batch.map((pending) => pending.job) as CopyBatch["jobs"] } satisfies CopyBatch);
  }

  #leastLoaded(): Lane {
    if (this.#lanes.length < this.threads && this.#lanes.every((lane) => lane.load > 0)) return this.#start();
    let best = this.#lanes[0] as Lane;
    for (const lane of this.#lanes) if (lane.load < best.load) best = lane;
    return best;
  }

  /** Ends an idle thread; jobs posted later go to another. */
  #retire(lane: Lane): void {
    const index = this.#lanes.indexOf(lane);
    if (lane.load > 0 || index < 0) return;
    this.#lanes.splice(index, 1);
    void lane.worker.terminate();
  }

  #start(): Lane {
    const source = `(${String(copyWorker)})(require)`;
    const worker = new Worker(source, {
      eval: true,
      workerData: { durable: this.durable },
      resourceLimits: { maxYoungGenerationSizeMb: this.youngMb },
    });
    const lane: Lane = { worker, batches: new Map(), load: 0, idle: undefined };
    worker.on("message", ({ id, outcomes }: CopyAnswer) => {
      const batch = lane.batches.get(id) ?? [];
      lane.batches.delete(id);
      lane.load -= batch.length;
      batch.forEach((pending, i) => pending.settle(outcomes[i] ?? { ok: false, stage: "fill", message: "no answer from the copy thread" }));
      // A thread with nothing in hand must not keep the process alive.
      if (lane.load === 0) {
        worker.unref();
        if (this.idleMs !== undefined) lane.idle = setTimeout(() => this.#retire(lane), this.idleMs).unref();
      }
    });
    const die = (error: unknown): void => {
      this.#failure = error instanceof Error ? error : new Error(`a copy thread stopped: ${String(error)}`);
      const batches = [...lane.batches.values()];
      lane.batches.clear();
      for (const batch of batches) {
        for (const pending of batch) pending.settle({ ok: false, stage: "fill", message: this.#failure.message });
      }
      lane.load = 0;
      const index = this.#lanes.indexOf(lane);
      if (index >= 0) this.#lanes.splice(index, 1);
    };
    worker.on("error", die);
    worker.on("exit", (code) => {
      if (lane.load > 0) die(new Error(`a copy thread exited with code ${code}`));
    });
    this.#lanes.push(lane);
    return lane;
  }
}
