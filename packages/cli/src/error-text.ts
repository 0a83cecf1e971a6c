import { inspect } from "node:util";
import { isStowageError } from "@stowage/core";

/** How deep {@link errorText} follows `cause`: far enough for adapter → SDK → socket. */
const MAX_CAUSES = 4;

/** A whole message, or a name, that says nothing about what went wrong. */
const VAGUE = /^(?:|unknown|unknown ?error|error|undefined|null|\[object \w+\])$/i;
/** A message that ends a clause in nothing useful: `S3 get of 'a' failed: Unknown`, `first 'a': ; ...`. */
const VAGUE_CLAUSE = /:\s*(?:unknown(?: ?error)?|undefined|null|\[object \w+\])?\s*(?:;|$)/i;

/**
 * The message of `error` as the CLI prints it. Most errors' messages say what failed; when one
 * does not (an error without a message, one reading `Unknown` as the AWS SDK's do for a reply it
 * could not parse, a thrown value that is not an `Error`), what else it carries is added in
 * parentheses: its name, its `code` (stowage's `E_...`, a system error's `EACCES`), its HTTP
 * status, and its causes' messages, so that `failed: Unknown` never stands alone.
 */
export function errorText(error: unknown, depth = 0): string {
  const message = messageOf(error);
  if (!isVague(message)) return message;
  const head = message.trim() === "" ? `${error instanceof Error ? error.name : "an error"} with no message` : message;
  const details = detailsOf(error, message, depth);
  return `${head} (${details.length === 0 ? "no code, status or cause tells more" : details.join(", ")})`;
}

/** True when `message` says nothing of what failed, as a whole or where it gives a reason. */
export function isVague(message: string): boolean {
  return VAGUE.test(message.trim()) || VAGUE_CLAUSE.test(message);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    return `a thrown value that is not an Error: ${inspect(error, { depth: 2, breakLength: Number.POSITIVE_INFINITY })}`;
  }
  return String(error);
}

function detailsOf(error: unknown, message: string, depth: number): string[] {
  if (typeof error !== "object" || error === null) return [];
  const fields = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown }; statusCode?: unknown; cause?: unknown };
  const details: string[] = [];
  const { name, code, cause } = fields;
  // A stowage error's code says what its class name would.
  const named = typeof name === "string" && name !== "Error" && !VAGUE.test(name) && !isStowageError(error);
  if (named && !message.includes(name)) details.push(name);
  if ((typeof code === "string" && code !== "") || typeof code === "number") details.push(`code ${String(code)}`);
  const status = fields.$metadata?.httpStatusCode ?? fields.statusCode;
  if (typeof status === "number") details.push(`HTTP status ${status}`);
  if (cause !== undefined && depth < MAX_CAUSES) details.push(`cause: ${errorText(cause, depth + 1)}`);
  return details;
}
