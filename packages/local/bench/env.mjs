// Shared set-up of the local benchmarks: a scratch folder under os.tmpdir() and a size scale.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** STOWAGE_BENCH_SCALE=0.01 shrinks every size and file count for a quick run (default 1). */
export const SCALE = Number(process.env.STOWAGE_BENCH_SCALE ?? "1");
if (!(SCALE > 0)) throw new Error(`STOWAGE_BENCH_SCALE must be a positive number, got ${process.env.STOWAGE_BENCH_SCALE}`);

/** Creates a scratch folder removed when the process exits (even on failure). */
export function scratch(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stowage-bench-${name}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  return dir;
}

/** Prints the machine's load, since the benchmark shares its cores with other work. */
export function printLoad() {
  const [one, five] = os.loadavg();
  console.log(`(load average ${one.toFixed(2)} / ${five.toFixed(2)} on ${os.cpus().length} cores, scale ${SCALE})`);
}

/**
 * Flushes the scratch folder's filesystem (outside any measurement), so that each run starts
 * without the previous run's dirty pages being written back under it. Without this, whichever
 * run comes second pays for the first one's writeback.
 */
export function settle(dir) {
  try {
    execFileSync("sync", ["-f", dir]);
  } catch {
    // No coreutils sync (or no -f): measurements are just noisier.
  }
}
