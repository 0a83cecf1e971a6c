import { close, constants, createReadStream, fstat, open, type Stats } from "node:fs";
import { Socket } from "node:net";
import { addAbortSignal, type Readable } from "node:stream";
import { isatty, ReadStream as TtyReadStream } from "node:tty";
import { promisify, TextDecoder } from "node:util";
import { errorText } from "./error-text.js";
import { UsageError } from "./exit-codes.js";

/** The largest rule file read, in bytes (16 MiB): far above any real list of patterns. */
export const MAX_RULE_FILE_BYTES = 16 * 1024 * 1024;

/** One line of a rule file: its text, trimmed, and its number (from 1) for messages. */
export interface RuleLine {
  text: string;
  line: number;
}

/**
 * Reads the rule file of `flag` (`--exclude-from FILE`) and returns its rules, one per line, in
 * rclone's format: blank lines and lines starting with `#` or `;` are skipped, surrounding
 * whitespace is trimmed. Any file works, a pipe too (`--exclude-from <(...)`, `-` or `/dev/stdin`).
 *
 * Refused with a {@link UsageError} (exit 2), having read no more than it needs to tell: a file
 * that cannot be opened or read; one over {@link MAX_RULE_FILE_BYTES}; one that is not text (a NUL
 * byte, or bytes that are not UTF-8), such as `/dev/zero` or an image given by mistake.
 *
 * A pipe is opened without waiting for a writer and read through the event loop, never by a
 * blocked thread: when `signal` aborts (Ctrl-C) the read stops and the process can exit at once,
 * where a thread stuck in `open()` on a FIFO kept it alive until a second Ctrl-C.
 */
export async function readRuleFile(flag: string, file: string, signal: AbortSignal): Promise<RuleLine[]> {
  const fail = (problem: string): UsageError => new UsageError(`${flag}: '${file}' ${problem}`);
  const unreadable = (error: unknown): UsageError => new UsageError(`${flag}: cannot read '${file}': ${errorText(error)}`);
  // rclone reads `-` as stdin, whatever it is (a pipe, a socket, a terminal, a file).
  const stream = file === "-" ? process.stdin : await openStream(file, unreadable);
  addAbortSignal(signal, stream);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = "";
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_RULE_FILE_BYTES) throw fail(`is larger than ${MAX_RULE_FILE_BYTES / 1024 / 1024} MiB: not a list of patterns`);
      const nul = chunk.indexOf(0);
      if (nul !== -1) throw fail(`is not a text file (a NUL byte at offset ${bytes - chunk.length + nul})`);
      text += decodeOrFail(decoder, chunk, fail);
    }
    text += decodeOrFail(decoder, undefined, fail);
  } catch (error) {
    if (error instanceof UsageError || signal.aborted) throw error;
    throw unreadable(error);
  } finally {
    stream.destroy();
  }
  return ruleLines(text);
}

/** `file` opened without blocking (a FIFO without a writer would block a thread) as a stream. */
async function openStream(file: string, unreadable: (error: unknown) => UsageError): Promise<Readable> {
  let fd: number;
  try {
    fd = await promisify(open)(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    return await streamOf(fd);
  } catch (error) {
    throw unreadable(error);
  }
}

/**
 * A stream over `fd`: a pipe, socket or terminal through a libuv handle (it waits for a writer
 * without a thread), anything else through `fs`. The stream owns `fd` and closes it.
 */
async function streamOf(fd: number): Promise<Readable> {
  let stats: Stats;
  try {
    stats = await promisify(fstat)(fd);
  } catch (error) {
    close(fd, () => undefined);
    throw error;
  }
  if (stats.isFIFO() || stats.isSocket()) return new Socket({ fd, readable: true, writable: false });
  // A terminal (`--exclude-from /dev/tty`) read without blocking fails with EAGAIN; its own stream waits.
  if (isatty(fd)) return new TtyReadStream(fd);
  return createReadStream("", { fd });
}

function decodeOrFail(decoder: TextDecoder, chunk: Buffer | undefined, fail: (problem: string) => UsageError): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch {
    throw fail("is not a text file (its bytes are not UTF-8)");
  }
}

function ruleLines(text: string): RuleLine[] {
  const lines: RuleLine[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line !== "" && !line.startsWith("#") && !line.startsWith(";")) lines.push({ text: line, line: index + 1 });
  });
  return lines;
}
