import { InvalidOptionsError } from "./errors.js";

/**
 * Reading a storage's options from a URL (`s3://bucket/prefix?region=…`), once for every adapter
 * that serves a URL scheme (the CLI's plugin convention: `createStorageFromUrl(url)`).
 */

/**
 * The query parameters of a store URL, checked against the names a scheme accepts, so that a typo
 * (`?chunksize=`) is an error instead of a silently ignored option. Every failure is
 * `InvalidOptionsError` (`E_INVALID_OPTIONS`; the CLI's exit code 2) naming the parameter.
 */
export class UrlParams {
  readonly #url: URL;

  /** Rejects a parameter that is not in `accepted`. */
  constructor(url: URL, accepted: readonly string[]) {
    this.#url = url;
    for (const name of new Set(url.searchParams.keys())) {
      if (!accepted.includes(name)) {
        const allowed = accepted.length > 0 ? `accepted: ${accepted.join(", ")}` : "it takes none";
        throw new InvalidOptionsError(name, url.searchParams.get(name), `is not a parameter of ${url.protocol} URLs (${allowed})`);
      }
    }
  }

  /** The parameter's value, or `undefined` when absent. */
  string(name: string): string | undefined {
    return this.#url.searchParams.get(name) ?? undefined;
  }

  /** A positive integer parameter, or `undefined` when absent. */
  positiveInt(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidOptionsError(name, text, "must be a positive integer");
    return value;
  }

  /** A boolean parameter (`true`/`1` or `false`/`0`), or `undefined` when absent. */
  boolean(name: string): boolean | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    throw new InvalidOptionsError(name, text, "must be true or false");
  }

  /** One of `choices`, or `undefined` when absent. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!(choices as readonly string[]).includes(text)) throw new InvalidOptionsError(name, text, `must be one of ${choices.join(", ")}`);
    return text as T;
  }
}

/** The options without their `undefined` values, so a storage sees only the options a URL set. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** `url` without its query string (`file:` paths and Redis URLs are handed on bare). */
export function withoutQuery(url: URL): URL {
  const bare = new URL(url.href);
  bare.search = "";
  return bare;
}
