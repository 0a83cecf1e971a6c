import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonfileBackend, temporaryFolder } from "./helpers/backends.js";
import { BIN, stowage } from "./helpers/run-cli.js";

const exec = promisify(execFile);
const MIB = 1024 * 1024;

/** Runs the binary inside a pseudo-terminal (util-linux `script`), so stderr is a TTY. */
async function inTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(" ");
  const { stdout } = await exec("script", ["-qfec", command, "/dev/null"], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * MIB });
  return stdout;
}

describe("progress bars", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
    await writeFile(join(dir, "big.bin"), Buffer.alloc(8 * MIB, 7));
  });
  afterEach(() => cleanup());

  it("show bytes, total, rate and ETA when stderr is a terminal", async () => {
    const output = await inTerminal(["put", "big.bin", "memory://::big.bin"], dir);
    expect(output).toMatch(/100% 8\.0 MiB\/8\.0 MiB [\d.]+ [KMG]?i?B\/s ETA \d+s big\.bin/);
  });

  it("count a sync's bytes and files, with a rate and no total (listings stream, nothing is planned up front)", async () => {
    const store = `jsonfile://${dir}/store.json`;
    const env = jsonfileBackend.env;
    await stowage(["put", "big.bin", `${store}::in/big.bin`], { cwd: dir, env });
    await stowage(["put", "-", `${store}::in/small.txt`], { cwd: dir, env, input: "x".repeat(MIB) });
    const output = await inTerminal(["sync", store, "memory://"], dir, env);
    expect(output).toMatch(/9\.0 MiB [\d.]+ [KMG]?i?B\/s 2 files, 2 copied/);
    expect(output).not.toMatch(/ETA/);
    expect(output).toMatch(/copied 2 files \(9\.0 MiB\), skipped 0 unchanged, deleted 0/);
  });

  it("are silent with --quiet, and when stderr is not a terminal", async () => {
    expect(await inTerminal(["--quiet", "put", "big.bin", "memory://::big.bin"], dir)).toBe("");
    const piped = await stowage(["put", "big.bin", "memory://::big.bin"], { cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe("");
  });
});
