import { randomUUID } from "node:crypto";
import { isStowageError, syncStorages, type WriteContent, type WriteOptions } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStorage } from "../src/index.js";
import { stagedDebris } from "./staged-debris.js";

// Two servers: a source on another server has no native copier, so every file is streamed
// through read and write, as from a local folder (issue 20, Ctrl-C during `stowage sync ./src redis://...`).
let sourceServer: RedisServer;
let targetServer: RedisServer;
beforeAll(async () => {
  [sourceServer, targetServer] = await Promise.all([startRedis(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([sourceServer?.stop(), targetServer?.stop()]);
});

/**
 * A target that aborts the sync at its `n`th write, just after the write began (it is then
 * awaiting its conflict check and has not started reading the content): the moment Ctrl-C hit
 * in the runs of issue 20 that crashed.
 */
class AbortingTarget extends RedisStorage {
  writes = 0;
  constructor(
    options: ConstructorParameters<typeof RedisStorage>[0],
    readonly controller: AbortController,
    readonly n: number,
  ) {
    super(options);
  }

  override write(path: string, content: WriteContent, options?: WriteOptions): Promise<void> {
    if (++this.writes === this.n) queueMicrotask(() => this.controller.abort(new Error("interrupted")));
    return super.write(path, content, options);
  }
}

/** Collects what the process reports while `run` runs: uncaught errors, unhandled rejections and warnings. */
async function watchingProcess<T>(run: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; uncaught: unknown[]; warnings: Error[] }> {
  const uncaught: unknown[] = [];
  const warnings: Error[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  process.on("warning", onWarning);
  try {
    const [result] = await Promise.allSettled([run()]);
    // Let events queued by the abort (stream 'error' events, late rejections) be emitted.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { result: result as PromiseSettledResult<T>, uncaught, warnings };
  } finally {
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
    process.off("warning", onWarning);
  }
}

describe("syncStorages into RedisStorage, aborted mid-flight (issue 20)", () => {
  it("rejects with AbortError, with no uncaught error, no listener warning and no staged debris", async () => {
    const source = new RedisStorage({ path: sourceServer.socket, namespace: randomUUID(), connectTimeoutMs: 15_000 });
    const controller = new AbortController();
    const target = new AbortingTarget({ path: targetServer.socket, namespace: randomUUID(), connectTimeoutMs: 15_000 }, controller, 100);
    try {
      for (let folder = 0; folder < 10; folder++) {
        await Promise.all(Array.from({ length: 30 }, (_, file) => source.write(`small/d${folder}/f${file}.bin`, `file ${folder}/${file}`)));
      }
      const { result, uncaught, warnings } = await watchingProcess(() => syncStorages(source, "", target, "", { signal: controller.signal }));
      expect(result.status).toBe("rejected");
      expect(isStowageError((result as PromiseRejectedResult).reason, "E_ABORTED")).toBe(true);
      expect(uncaught).toEqual([]);
      expect(warnings.map((warning) => warning.name)).not.toContain("MaxListenersExceededWarning");
      expect(await stagedDebris(target)).toEqual([]);
      const copied = await target.recursiveList("");
      expect(copied.length).toBeGreaterThanOrEqual(90);
      expect(copied.length).toBeLessThan(300);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });

  it("a whole sync of 300 files adds no listener warning either", async () => {
    const source = new RedisStorage({ path: sourceServer.socket, namespace: randomUUID(), connectTimeoutMs: 15_000 });
    const target = new RedisStorage({ path: targetServer.socket, namespace: randomUUID(), connectTimeoutMs: 15_000 });
    try {
      await Promise.all(Array.from({ length: 300 }, (_, file) => source.write(`f${file}`, `file ${file}`)));
      const { result, uncaught, warnings } = await watchingProcess(() => syncStorages(source, "", target, "", { signal: new AbortController().signal }));
      expect(result).toMatchObject({ status: "fulfilled", value: { copied: 300 } });
      expect(uncaught).toEqual([]);
      expect(warnings.map((warning) => warning.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });
});
