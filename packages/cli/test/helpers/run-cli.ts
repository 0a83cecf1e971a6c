import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built binary the tests run (turbo builds the package before its tests). */
export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run the package's build first`);

/** What one run of the binary produced. */
export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** `stdout` as UTF-8. */
  out: string;
}

/** Options of {@link stowage}. */
export interface RunOptions {
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node dist/bin.js ...args` as a child process and collects its output. */
export function stowage(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const out = Buffer.concat(stdout);
      resolve({ code, stdout: out, out: out.toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
    });
    child.stdin.on("error", () => undefined); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? "");
  });
}
