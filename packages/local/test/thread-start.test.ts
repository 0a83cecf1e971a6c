import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { syncStorages } from "@stowage/core";
import { LocalFileSystemBackend } from "../src/index.js";
import { THREAD_AFTER } from "../src/thread-listing.js";
import { INLINE_COPIES } from "../src/native-copy.js";
import { readText } from "./sandbox.js";
import { threadedSandbox } from "./threaded-sandbox.js";

/*
 * A thread that cannot start (EAGAIN under a thread limit, no memory) is a fault no real system
 * gives on demand, so the Worker constructor is made to throw. Listings, copies and small writes
 * are then done on the main thread, and nothing crashes the process.
 */
const workers = vi.hoisted(() => ({ tried: 0 }));
vi.mock("node:worker_threads", async (original) => {
  const real = await original<typeof import("node:worker_threads")>();
  class Worker {
    constructor() {
      workers.tried++;
      throw Object.assign(new Error("Resource temporarily unavailable"), { code: "ERR_WORKER_INIT_FAILED" });
    }
  }
  return { ...real, Worker };
});

const sandbox = threadedSandbox();

function fill(files: number, folders = 50): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(sandbox.box.root, `d${String(i % folders).padStart(3, "0")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}`), `${i}`);
  }
}

describe("when no thread can start", () => {
  it("a big walk lists every file, read on the main thread, and tries to start a thread once at most", async () => {
    // 400 folders: those after the first lap are read ahead in several batches of 32.
    fill(THREAD_AFTER + 1000, 400);
    const tried = workers.tried;
    let listed = 0;
    for await (const _entry of sandbox.box.storage.streamList("")) listed++;
    expect(listed).toBe(THREAD_AFTER + 1000);
    // Each batch would have tried again.
    expect(workers.tried - tried).toBeLessThanOrEqual(1);
  });

  it("a sync's copies past the inline ones are done on the main thread, all of them, with their times", async () => {
    fill(INLINE_COPIES + 50);
    const target = new LocalFileSystemBackend({ location: path.join(sandbox.box.dir, "target"), durable: false });
    expect(await syncStorages(sandbox.box.storage, "", target, "")).toMatchObject({ copied: INLINE_COPIES + 50 });
    expect(await syncStorages(sandbox.box.storage, "", target, "")).toMatchObject({ copied: 0, skipped: INLINE_COPIES + 50 });
  });

  it("small writes past the inline ones are written on the main thread, durable or not", async () => {
    for (const durable of [false, true]) {
      const storage = new LocalFileSystemBackend({ location: path.join(sandbox.box.dir, `writes-${durable}`), durable });
      for (let i = 0; i < INLINE_COPIES + 10; i++) await storage.write(`w/${i}`, `small ${i}`);
      expect(await readText(storage, `w/${INLINE_COPIES + 9}`)).toBe(`small ${INLINE_COPIES + 9}`);
      expect(await storage.recursiveList("w")).toHaveLength(INLINE_COPIES + 10);
    }
  });
});
