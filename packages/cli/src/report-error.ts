import { inspect } from "node:util";
import { isStowageError, redactError, redactText } from "@stowage/core";
import { errorText, isVague } from "./error-text.js";

/**
 * Prints a failure as one line on stderr (`stowage: no such file: 'a.txt'`); with `verbose`, the
 * stack and the chain of causes follow. Messages start in lower case after the `stowage:` prefix,
 * as the CLI's own and commander's do, whatever the library that raised them capitalises.
 * A message that says nothing of what failed (none, `Unknown`, a thrown non-Error) is completed by
 * {@link errorText}, and, when it does not come from stowage (which names the operation and the
 * path), prefixed with the `command` that failed (`cat 's3://b::a.txt' failed: ...`).
 * Nothing printed holds a secret: URL user info is masked and every string in `secrets` (see
 * `secrets.ts`) replaced by `***`, in the message and in every cause.
 */
export function reportError(stderr: NodeJS.WritableStream, error: unknown, verbose: boolean, secrets: readonly string[] = [], command?: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const vagueOutsider = isVague(message) && !isStowageError(error) && command !== undefined;
  const text = `${vagueOutsider ? `${command} failed: ` : ""}${errorText(error)}`;
  stderr.write(`stowage: ${lowerFirst(firstLine(redactText(text, secrets)))}\n`);
  if (verbose) stderr.write(`${inspect(redactError(error, secrets), { depth: 6 })}\n`);
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.trim() === "" ? "unknown error" : line;
}

/**
 * `No such file` → `no such file`; an acronym (`S3 bucket`, `EACCES`) or a name in camel case
 * (`RedisStorage: …`) keeps its case.
 */
function lowerFirst(text: string): string {
  const word = /^[A-Za-z0-9]+/.exec(text)?.[0] ?? "";
  if (/^[A-Z][a-z]/.test(word) && !/[A-Z]/.test(word.slice(1))) return text[0]!.toLowerCase() + text.slice(1);
  return text;
}
