/**
 * Keeping credentials out of what stowage prints: error messages, `cause` chains, log lines and
 * verbose CLI output. Adapters pass the secrets they know (a Redis password, an S3 secret key or
 * session token); URL user info (`scheme://user:password@host`) is masked whatever the secret.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = "***";

// `scheme://user:password@` or `scheme://token@` anywhere in a text: the part between `//` and `@`,
// whatever precedes the `//`, so a malformed scheme (`red_is://u:pw@h`) is masked too.
const USER_INFO = /\/\/[^\s/@]*@/g;
/** Shortest secret replaced: shorter ones (a one-letter password) would mangle every message. */
const MIN_SECRET_LENGTH = 3;
/** How deep {@link redactError} follows `cause` chains and nested objects. */
const MAX_DEPTH = 8;

/**
 * Characters that continue a word, a name or a path: a secret with one of these right before or
 * after it is part of something else (secret `test` in bucket `stowage-test-x`), not a value.
 */
const WORD = String.raw`\p{L}\p{N}\p{M}_\-~/+%`;

/**
 * `text` with the user info of every URL in it masked (`redis://***@host`) and each secret in
 * `secrets` replaced by {@link REDACTED} wherever it stands as a whole value: between spaces,
 * quotes, `=`, `:`, `&`, `,`, brackets or the ends of the text (`AUTH pw`, `password=pw&`,
 * `"pw"`, `Token: pw.`), but not inside a longer word, name or path (secret `test` leaves
 * `stowage-test-x` and `a/test/b` alone). Secrets shorter than 3 characters are not searched for
 * (they would match inside ordinary words); URL user info is masked anyway.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(USER_INFO, `//${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.replace(wholeValue(secret), REDACTED);
  }
  return out;
}

const patterns = new Map<string, RegExp>();

/** Matches `secret` where no word character touches it (a `.` after it ends a sentence, unless a word follows). */
function wholeValue(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (pattern === undefined) {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    pattern = new RegExp(`(?<![${WORD}.])${escaped}(?![${WORD}]|\\.[${WORD}])`, "gu");
    if (patterns.size > 64) patterns.clear();
    patterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * A copy of `error` safe to print: same class (prototype), same stowage brand and `code`, its
 * message, stack and every string property passed through {@link redactText}, nested objects
 * (such as ioredis's `command: { name, args }`) copied the same way, byte buffers replaced by a
 * `<N bytes>` note, and its `cause` chain redacted in turn. The original is left untouched.
 * Non-objects are returned as they are, except strings, which are redacted.
 *
 * Use it where a foreign error (a driver's or an SDK's) becomes the `cause` of a stowage error:
 * drivers put command arguments, passwords included, into their errors.
 */
export function redactError<T>(error: T, secrets: readonly string[] = [], options: RedactOptions = {}): T {
  return copy(error, secrets, 0, new Map(), new Set(options.fields ?? [])) as T;
}

/** Options of {@link redactError}. */
export interface RedactOptions {
  /**
   * Names of properties whose values are replaced whole by {@link REDACTED}, at any depth: fields a
   * driver fills with credentials that no pattern finds (S3's `CanonicalRequest` echoes the
   * session token).
   */
  fields?: readonly string[];
}

function copy(value: unknown, secrets: readonly string[], depth: number, seen: Map<object, unknown>, fields: ReadonlySet<string>): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (typeof value !== "object" || value === null) return value;
  if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
  if (value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return "[redacted: too deep]";
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, secrets, depth + 1, seen, fields));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  // Plain records and errors are copied; anything else (a socket, a client, a Date) is summarised,
  // as its internals may hold credentials and it is not needed to explain a failure.
  if (!(value instanceof Error) && proto !== Object.prototype && proto !== null) {
    return value instanceof Date ? new Date(value.getTime()) : `[${value.constructor?.name ?? "object"}]`;
  }
  const out = Object.create(proto as object | null) as Record<PropertyKey, unknown>;
  seen.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined) continue;
    if (key === "stack" && !("value" in descriptor)) {
      // Some engines make `stack` an accessor: copy what it reads as.
      const stack = (value as Error).stack;
      Object.defineProperty(out, key, { value: copy(stack, secrets, depth + 1, seen, fields), writable: true, configurable: true });
      continue;
    }
    // Other accessors are not copied: calling them could reach what is being hidden.
    if (!("value" in descriptor)) continue;
    descriptor.value = typeof key === "string" && fields.has(key) ? REDACTED : copy(descriptor.value, secrets, depth + 1, seen, fields);
    Object.defineProperty(out, key, descriptor);
  }
  return out;
}
