import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canCollectGarbage, isStowageError } from "@stowage/core";
import { killWhen } from "@stowage/testkit/kill";
import { TEMP_PREFIX } from "../src/index.js";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/index.js");

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

/** Temporary files anywhere below `dir`. */
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((entry) => path.basename(entry).startsWith(TEMP_PREFIX));
}

/**
 * A real writer killed with SIGKILL mid-write: it streams one block into `key`, then waits
 * forever. The block is larger than a small write (64 KiB), which is gathered before any file exists.
 */
async function killWriterMidWrite(root: string, key: string): Promise<void> {
  const script = `
    const { LocalFileSystemBackend } = await import(${JSON.stringify(DIST)});
    const storage = new LocalFileSystemBackend({ location: ${JSON.stringify(root)} });
    async function* slow() { yield Buffer.alloc(128 * 1024, 1); await new Promise(() => setInterval(() => {}, 1000)); }
    await storage.write(${JSON.stringify(key)}, slow());
  `;
  await killWhen(script, async () => tempFiles(root).length > 0);
  expect(tempFiles(root)).toHaveLength(1);
}

describe("collectGarbage on local", () => {
  it("finds the temporary file of a writer killed with SIGKILL, keeps it on a dry run or when young, then removes it", async () => {
    await box.storage.write("data/kept", "old content");
    await killWriterMidWrite(box.root, "data/kept");
    expect(canCollectGarbage(box.storage)).toBe(true);
    expect(await box.storage.collectGarbage({ olderThanMs: 60 * 60 * 1000 })).toEqual({ found: 0, removed: 0 });
    expect(await box.storage.collectGarbage({ olderThanMs: 0, dryRun: true })).toEqual({ found: 1, removed: 0 });
    expect(tempFiles(box.root)).toHaveLength(1);
    expect(await box.storage.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 1, removed: 1 });
    expect(tempFiles(box.root)).toEqual([]);
    expect(listDisk(box.root)).toEqual(["data/", "data/kept"]);
    expect(await readText(box.storage, "data/kept")).toBe("old content");
  });

  it("rejects a bad age before touching anything", async () => {
    for (const olderThanMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1h" as unknown as number]) {
      const error = await box.storage.collectGarbage({ olderThanMs }).catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
    }
  });
});
