import { inspect } from "node:util";
import { redactError, redactText } from "@stowage/core";

/**
 * Prints a failure as one line on stderr (`stowage: no such file: 'a.txt'`); with `verbose`, the
 * stack and the chain of causes follow. Messages start in lower case after the `stowage:` prefix,
 * as the CLI's own and commander's do, whatever the library that raised them capitalises.
 * Nothing printed holds a secret: URL user info is masked and every string in `secrets` (see
 * `secrets.ts`) replaced by `***`, in the message and in every cause.
 */
export function reportError(stderr: NodeJS.WritableStream, error: unknown, verbose: boolean, secrets: readonly string[] = []): void {
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`stowage: ${lowerFirst(firstLine(redactText(message, secrets)))}\n`);
  if (verbose) stderr.write(`${inspect(redactError(error, secrets), { depth: 6 })}\n`);
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.trim() === "" ? "unknown error" : line;
}

/** `No such file` → `no such file`; an acronym (`S3 bucket`, `EACCES`) keeps its case. */
function lowerFirst(text: string): string {
  if (/^[A-Z](?![A-Z0-9])/.test(text)) return text[0]!.toLowerCase() + text.slice(1);
  return text;
}
