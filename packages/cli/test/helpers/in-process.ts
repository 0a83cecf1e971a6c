import { PassThrough, Readable } from "node:stream";
import { run } from "../../src/cli.js";

/** What one in-process run of the CLI printed. */
export interface InProcessResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the CLI's `run()` in this process (not the built binary), so a test can watch the storage
 * classes it opens (a spy on a backend's prototype sees the calls the command makes).
 */
export async function runInProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const code = await run(args, {
    stdin: Readable.from([]),
    stdout,
    stderr: stderr as unknown as NodeJS.WriteStream,
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
  });
  return { code, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8") };
}
