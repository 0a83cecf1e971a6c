import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  collectBytes,
  isAdvancedSnapshotStorage,
  isSnapshotStorage,
  isStowageError,
  SnapshotNotFoundError,
  StorageUnavailableError,
  useLogger,
  withLogging,
  withRetry,
  withTimeout,
  type LogFields,
  type StowageLogger,
} from "../../src/index.js";
import { AdvancedMapStorage, MapStorage } from "./helpers/map-storage.js";

/** A storage with #private state: a bare Proxy would break it, the layers must not. */
class PrivateState extends AdvancedMapStorage {
  #calls = 0;
  override async stat(path: string) {
    this.#calls++;
    return super.stat(path);
  }
  get calls(): number {
    return this.#calls;
  }
}

/** Fails `method` `times` times with `error`, then behaves. */
function flaky<S extends object>(storage: S, name: string, times: number, error: () => Error): S & { attempts: number } {
  const state = { attempts: 0 };
  const original = (storage as Record<string, (...args: unknown[]) => unknown>)[name] as (...args: unknown[]) => unknown;
  Object.assign(storage, {
    [name]: (...args: unknown[]) => {
      state.attempts++;
      if (state.attempts <= times) return Promise.reject(error());
      return original.apply(storage, args);
    },
  });
  return Object.defineProperty(storage, "attempts", { get: () => state.attempts }) as S & { attempts: number };
}

const outage = (): Error => new StorageUnavailableError("connection reset");

describe("layers keep what they wrap", () => {
  it("bind methods (#private works), keep the tier, the brands and the backend name", async () => {
    const inner = new PrivateState();
    await inner.write("a", "1");
    const wrapped = withLogging(withRetry(withTimeout(inner)));
    expect((await wrapped.stat("a")).size).toBe(1);
    expect(inner.calls).toBe(1);
    expect(wrapped.constructor).toBe(PrivateState);
    expect(isAdvancedSnapshotStorage(wrapped)).toBe(true);
    const basic = withTimeout(new MapStorage());
    expect(isSnapshotStorage(basic)).toBe(true);
    expect(isAdvancedSnapshotStorage(basic)).toBe(false);
    expect("stat" in basic && typeof (basic as { stat?: unknown }).stat).toBe(false);
    const brand = Symbol.for("stowage.test-brand");
    Object.assign(inner, { [brand]: "mine" });
    expect((wrapped as unknown as Record<symbol, unknown>)[brand]).toBe("mine");
  });
});

describe("withTimeout", () => {
  it("fails a call that never answers with E_UNAVAILABLE", async () => {
    const storage = new AdvancedMapStorage();
    storage.stat = () => new Promise(() => undefined);
    const error = await withTimeout(storage, { operationMs: 30 }).stat("a").catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_UNAVAILABLE")).toBe(true);
    expect(String(error)).toMatch(/stat of 'a' timed out after 30 ms/);
  });

  it("cuts a streamed write whose backend stops pulling, and the backend sees the abort", async () => {
    const storage = new AdvancedMapStorage();
    let sawAbort = false;
    storage.write = async (_key, content, options = {}) => {
      for await (const _chunk of content as AsyncIterable<Uint8Array>) {
        await new Promise<void>((resolve) => options.signal?.addEventListener("abort", () => resolve(), { once: true }));
        sawAbort = options.signal?.aborted === true;
        throw options.signal?.reason;
      }
    };
    const error = await withTimeout(storage, { idleMs: 30 }).write("a", [Buffer.from("x"), Buffer.from("y")]).catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_UNAVAILABLE")).toBe(true);
    expect(sawAbort).toBe(true);
  });

  it("does not count a slow source: the deadline is the backend's idle time", async () => {
    const storage = new AdvancedMapStorage();
    // Each pause of the source is far past the deadline; the backend's own steps stay far below it
    // (wide margins, so that a loaded machine cannot make the backend look idle).
    async function* slowSource(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 900));
        yield Buffer.from(String(i));
      }
    }
    await withTimeout(storage, { idleMs: 300 }).write("a", slowSource());
    expect((await collectBytes(await storage.read("a"))).toString()).toBe("01");
  });

  it("a caller's own abort is not taken for a timeout", async () => {
    const storage = new AdvancedMapStorage();
    storage.write = async (_key, content, options = {}) => {
      for await (const _chunk of content as AsyncIterable<Uint8Array>) {
        await new Promise<void>((resolve) => options.signal?.addEventListener("abort", () => resolve(), { once: true }));
        throw options.signal?.reason;
      }
    };
    const controller = new AbortController();
    const reason = new Error("the user pressed Ctrl-C");
    setTimeout(() => controller.abort(reason), 5);
    const error = await withTimeout(storage, { idleMs: 60_000 }).write("a", [Buffer.from("x")], { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBe(reason);
  });
});

describe("withTimeout and a Readable source", () => {
  it("a source that fails before the backend reads it rejects the write, and is destroyed (no uncaught error)", async () => {
    const storage = new AdvancedMapStorage();
    let release: () => void = () => undefined;
    const preparing = new Promise<void>((resolve) => (release = resolve));
    const original = storage.write.bind(storage);
    storage.write = async (key, content, options) => {
      await preparing; // a backend still making folders or checking conflicts
      return original(key, content, options);
    };
    const source = new Readable({ read() {} });
    const writing = withTimeout(storage).write("a", source);
    source.destroy(new Error("the source broke early"));
    await new Promise((resolve) => setImmediate(resolve)); // its 'error' is emitted while the backend still prepares
    release();
    await expect(writing).rejects.toThrow("the source broke early");
    expect(source.destroyed).toBe(true);
    expect(await storage.exists("a")).toBe(false);
  });
});

describe("withRetry", () => {
  it("retries idempotent calls on an outage, with backoff, and returns the answer", async () => {
    const storage = flaky(new AdvancedMapStorage(), "exists", 2, outage);
    await storage.write("a", "1");
    expect(await withRetry(storage, { baseDelayMs: 1 }).exists("a")).toBe(true);
    expect(storage.attempts).toBe(3);
  });

  it("gives up after `attempts`, rethrowing the last failure as it was", async () => {
    const storage = flaky(new AdvancedMapStorage(), "list", 10, outage);
    const error = await withRetry(storage, { attempts: 3, baseDelayMs: 1 }).list("").catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_UNAVAILABLE")).toBe(true);
    expect(storage.attempts).toBe(3);
  });

  it("never retries a streamed write, atomicMove, or a failure that is not an outage", async () => {
    const writes = flaky(new AdvancedMapStorage(), "write", 1, outage);
    await expect(withRetry(writes, { baseDelayMs: 1 }).write("a", [Buffer.from("x")])).rejects.toThrow(StorageUnavailableError);
    expect(writes.attempts).toBe(1);
    const bytes = flaky(new AdvancedMapStorage(), "write", 1, outage);
    await withRetry(bytes, { baseDelayMs: 1 }).write("a", "replayable");
    expect(bytes.attempts).toBe(2);
    const moves = flaky(new AdvancedMapStorage(), "atomicMove", 1, outage);
    await expect(withRetry(moves, { baseDelayMs: 1 }).atomicMove("a", "b")).rejects.toThrow(StorageUnavailableError);
    expect(moves.attempts).toBe(1);
    const missing = flaky(new AdvancedMapStorage(), "stat", 1, () => new SnapshotNotFoundError("a"));
    await expect(withRetry(missing, { baseDelayMs: 1 }).stat("a")).rejects.toThrow(SnapshotNotFoundError);
    expect(missing.attempts).toBe(1);
  });

  it("rejects bad options before any call", () => {
    expect(() => withRetry(new MapStorage(), { attempts: 0 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(() => withTimeout(new MapStorage(), { idleMs: -1 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
  });
});

describe("withLogging", () => {
  afterEach(() => useLogger(undefined));

  it("logs one event per call, with the key, the time and a failure's code", async () => {
    const events: LogFields[] = [];
    const logger = {
      isLevelEnabled: () => true,
      debug: (fields: LogFields) => events.push(fields),
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    } as unknown as StowageLogger;
    useLogger(logger);
    const storage = withLogging(new AdvancedMapStorage());
    await storage.write("a", "1");
    await storage.stat("missing").catch(() => undefined);
    expect(events.map(({ event, key, code }) => ({ event, key, code }))).toEqual([
      { event: "blob.write", key: "a", code: undefined },
      { event: "blob.stat", key: "missing", code: "E_NOT_FOUND" },
    ]);
    expect(typeof events[0]?.ms).toBe("number");
  });
});
