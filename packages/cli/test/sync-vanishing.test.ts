import { spawn } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { temporaryFolder } from "./helpers/backends.js";
import { BIN } from "./helpers/run-cli.js";

/**
 * Issue 20's data-loss cases, as a backup user meets them: the source is moved away while
 * `stowage sync` runs. The mirror must lose nothing that the source holds.
 */
describe("sync when the source is moved away mid-run", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
  });
  afterEach(() => cleanup());

  /** Writes `count` files spread over folders of 100 below `root`, each holding `content`. */
  function fill(root: string, count: number, content: string, name = (i: number) => `d${String(Math.floor(i / 100)).padStart(3, "0")}/f${i}`): void {
    for (let i = 0; i < count; i++) {
      const file = join(root, name(i));
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, content);
    }
  }

  /** Runs `stowage sync --list ...args`, calling `onLine` with the count of each listed line. */
  async function syncWatching(args: string[], onLine: (lines: number) => void): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, "sync", "--list", ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) onLine(++lines);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stderr };
  }

  async function countFiles(root: string): Promise<number> {
    return (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).length;
  }

  it("a source renamed after 65 copies of 3,000: exits non-zero, names the vanished folder, deletes nothing", async () => {
    fill(join(dir, "src"), 3000, "new content");
    fill(join(dir, "dst"), 3000, "old");
    writeFileSync(join(dir, "dst", "extra-in-mirror"), "x");
    const result = await syncWatching(["src", "dst"], (lines) => {
      if (lines === 65) renameSync(join(dir, "src"), join(dir, "src.gone"));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/vanished while it was walked/);
    expect(await countFiles(join(dir, "dst"))).toBe(3001);
  });

  it("past 10,000 extras, a source renamed after its last copy keeps the 200 files it holds", async () => {
    fill(join(dir, "root", "src"), 200, "kept", (i) => `f${String(i).padStart(3, "0")}`);
    fill(join(dir, "dst"), 10_050, "extra", (i) => `x/extra-${i}`);
    const result = await syncWatching(["--max-delete", "10050", "root::src", "dst"], (lines) => {
      if (lines === 200) renameSync(join(dir, "root", "src"), join(dir, "root", "src.gone"));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((await readdir(join(dir, "dst"))).sort()).toHaveLength(200);
  });
});
