import { inspect } from "node:util";

/**
 * Prints a failure as one line on stderr (`stowage: No such file: 'a.txt'`); with `verbose`, the
 * stack and the chain of causes follow.
 */
export function reportError(stderr: NodeJS.WritableStream, error: unknown, verbose: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`stowage: ${firstLine(message)}\n`);
  if (verbose) stderr.write(`${inspect(error, { depth: 6 })}\n`);
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.trim() === "" ? "unknown error" : line;
}
