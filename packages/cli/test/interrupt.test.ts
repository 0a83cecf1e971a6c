import { spawn } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { temporaryFolder } from "./helpers/backends.js";
import { BIN } from "./helpers/run-cli.js";

const ENDLESS_ADAPTER = fileURLToPath(new URL("./fixtures/endless-adapter.mjs", import.meta.url));

/**
 * SIGINT and SIGTERM during a transfer: the source is aborted, the local backend's failed write
 * removes its temporary file, one line says what happened, and the exit code is 128 + the signal.
 */
describe("interrupting put, cp, get and sync", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
  });
  afterEach(() => cleanup());

  /** Runs the CLI, sends `signal` once the destination folder holds the write's temporary file. */
  async function interrupt(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string; seen: string[] }> {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, STOWAGE_ADAPTERS: `endless=${ENDLESS_ADAPTER}` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on("error", () => undefined);
    // Some input, and stdin left open: a `put -` that is still reading.
    child.stdin.write(Buffer.alloc(256 * 1024, 2));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    let seen: string[] = [];
    // Waits for a condition, not for a time: the temporary file shows the write has begun.
    while (seen.length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      seen = await readdir(join(dir, "dst")).catch(() => []);
    }
    child.kill(signal);
    return { code: await closed, stdout, stderr, seen };
  }

  it.each([
    ["SIGINT", EXIT_CODES.interrupted],
    ["SIGTERM", EXIT_CODES.terminated],
  ] as const)("put - stopped by %s: exit %i, no temporary file left", async (signal, code) => {
    const result = await interrupt(["put", "-", "./dst::big.bin"], signal);
    expect(result.seen[0]).toMatch(/^\.stowage-tmp-/);
    expect(result.code).toBe(code);
    expect(result.stderr).toBe(`stowage: interrupted by ${signal}\n`);
    expect(await readdir(join(dir, "dst"))).toEqual([]);
  });

  it("cp from a store to a local folder stopped by SIGINT leaves no temporary file", async () => {
    const result = await interrupt(["cp", "endless://x::endless", "./dst::copy.bin"], "SIGINT");
    expect(result.code).toBe(EXIT_CODES.interrupted);
    expect(result.stderr).toBe("stowage: interrupted by SIGINT\n");
    expect(await readdir(join(dir, "dst"))).toEqual([]);
  });

  it("get into a local file stopped by SIGINT removes its half-written file", async () => {
    await mkdir(join(dir, "dst"));
    const result = await interrupt(["get", "endless://x::endless", "dst/out.bin"], "SIGINT");
    expect(result.seen[0]).toMatch(/^\.out\.bin\.stowage-/);
    expect(result.code).toBe(EXIT_CODES.interrupted);
    expect(result.stderr).toBe("stowage: interrupted by SIGINT\n");
    expect(await readdir(join(dir, "dst"))).toEqual([]);
  });

  it("sync stopped by SIGTERM aborts the copy in flight, leaves no temporary file and prints its counts so far", async () => {
    const result = await interrupt(["sync", "endless://x", "./dst"], "SIGTERM");
    expect(result.seen[0]).toMatch(/^\.stowage-tmp-/);
    expect(result.code).toBe(EXIT_CODES.terminated);
    expect(result.stderr).toBe("stowage: interrupted by SIGTERM\n");
    expect(result.stdout).toMatch(/^copied 0 files \(0 B\), skipped 0 unchanged, deleted 0/m);
    expect(await readdir(join(dir, "dst"))).toEqual([]);
  });
});
