/**
 * Benchmark helpers: every stowage benchmark compares a stowage operation with a baseline run in the
 * same process on the same data, and reports the ratio and the peak RSS growth of each.
 */

/** The outcome of one measured run. */
export interface Measurement {
  /** Wall-clock milliseconds. */
  ms: number;
  /** Peak resident set size above the RSS at the start, in bytes (sampled every 5 ms). */
  peakRssGrowth: number;
}

/** Runs `fn` once (after a GC, when `--expose-gc` is on) and measures time and peak RSS growth. */
export async function measure(fn: () => Promise<unknown>): Promise<Measurement> {
  (globalThis as { gc?: () => void }).gc?.();
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, peakRssGrowth: peak - startRss };
}

/** Formats a byte count as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Throughput in MiB/s of `bytes` moved in `ms`. */
export function mibPerSecond(bytes: number, ms: number): string {
  return `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`;
}

/** One row of a comparison table. */
export interface ComparisonRow {
  name: string;
  subject: Measurement;
  baseline: Measurement;
  /** Bytes moved, for throughput columns; omit for operation counts. */
  bytes?: number;
  /** Operations done, for ops/s columns. */
  ops?: number;
  /** The target ratio (subject speed / baseline speed), printed beside the measured one. */
  target?: number;
}

/** Prints rows as `name  subject  baseline  ratio (target)  peak RSS growth`. */
export function printComparison(title: string, rows: readonly ComparisonRow[]): void {
  console.log(`\n## ${title}`);
  for (const row of rows) {
    const ratio = row.baseline.ms / row.subject.ms;
    const speed = (m: Measurement) =>
      row.bytes !== undefined
        ? mibPerSecond(row.bytes, m.ms)
        : row.ops !== undefined
          ? `${Math.round(row.ops / (m.ms / 1000))} ops/s`
          : `${m.ms.toFixed(0)} ms`;
    const target = row.target === undefined ? "" : ` (target >= ${row.target}x)`;
    console.log(
      `${row.name.padEnd(34)} stowage ${speed(row.subject).padStart(14)} | baseline ${speed(row.baseline).padStart(14)} | ratio ${ratio.toFixed(2)}x${target} | peak RSS +${mib(row.subject.peakRssGrowth)} vs +${mib(row.baseline.peakRssGrowth)}`,
    );
  }
}
