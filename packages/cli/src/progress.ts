import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createRequire } from "node:module";
import type { SingleBar, Options as BarOptions } from "cli-progress";
import { formatBytes, formatDuration } from "./format.js";

/**
 * A byte-counting progress display for one transfer, or one sync of many files (whose total is not
 * known up front: a sync streams both listings, so it shows bytes, rate and files done, no ETA).
 */
export interface Progress {
  /** Counts `bytes` more as transferred. */
  advance(bytes: number): void;
  /** Replaces the text after the numbers (a file name, `3/10 files`). */
  setLabel(label: string): void;
  /** Removes the bar; safe to call twice. */
  stop(): void;
}

const BAR_WIDTH = 24;

/**
 * `cli-progress`, loaded when a bar is first drawn: it and its string-width helpers take about
 * 9 ms to load, which every command would pay otherwise, though only a transfer on a terminal
 * without `--quiet` draws one.
 */
function newBar(options: BarOptions): SingleBar {
  const { SingleBar: Bar } = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
  return new Bar(options);
}

/**
 * A progress bar on `stream` with bytes, rate and ETA (bytes and rate when `total` is unknown), drawn only when `enabled` (stderr is a
 * terminal and `--quiet` was not given); otherwise every method does nothing, so pipes and logs
 * stay clean.
 */
export function startProgress(options: { enabled: boolean; stream: NodeJS.WriteStream; label: string; total?: number }): Progress {
  if (!options.enabled) return { advance() {}, setLabel() {}, stop() {} };
  const total = options.total;
  let label = options.label;
  let value = 0;
  let stopped = false;
  const bar = newBar({
    stream: options.stream,
    fps: 8,
    clearOnComplete: true,
    hideCursor: true,
    etaBuffer: 50,
    format: (_format, params) => render(params.value, total, params.startTime, params.eta, label),
  });
  bar.start(Math.max(total ?? 0, 1), 0);
  return {
    advance(bytes) {
      value += bytes;
      bar.update(value);
    },
    setLabel(text) {
      label = text;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

function render(value: number, total: number | undefined, startTime: number, eta: number, label: string): string {
  const elapsed = Math.max((Date.now() - startTime) / 1000, 0.001);
  const rate = `${formatBytes(Math.round(value / elapsed))}/s`;
  if (total === undefined) return `${formatBytes(value)} ${rate} ${label}`;
  const fraction = total === 0 ? 1 : Math.min(value / total, 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${bar} ${percent} ${formatBytes(value)}/${formatBytes(total)} ${rate} ETA ${formatDuration(eta)} ${label}`;
}

/**
 * Passes `source` through unchanged, reporting each chunk's size to `onBytes`. Errors of the
 * source reach the returned stream, so a failed read still fails the write that consumes it.
 */
export function countBytes(source: Readable, onBytes: (bytes: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.byteLength);
      callback(null, chunk);
    },
  });
  // pipeline destroys `counter` with the source's error; the consumer sees it there.
  pipeline(source, counter).catch(() => undefined);
  return counter;
}
