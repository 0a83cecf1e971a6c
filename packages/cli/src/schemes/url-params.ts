import type { SnapshotStorage } from "@stowage/core";
import { UsageError } from "../exit-codes.js";
import type { AdapterModule } from "./scheme.js";

/**
 * The query parameters of a store URL, checked against the names a scheme accepts, so a typo
 * (`?chunksize=`) is a usage error instead of a silently ignored option.
 */
export class UrlParams {
  readonly #url: URL;

  constructor(url: URL, accepted: readonly string[]) {
    this.#url = url;
    for (const name of new Set(url.searchParams.keys())) {
      if (!accepted.includes(name)) {
        const allowed = accepted.length > 0 ? `accepted: ${accepted.join(", ")}` : "it takes none";
        throw new UsageError(`unknown parameter '${name}' in ${url.protocol} URL (${allowed})`);
      }
    }
  }

  /** The parameter's value, or `undefined` when absent. */
  string(name: string): string | undefined {
    return this.#url.searchParams.get(name) ?? undefined;
  }

  /** A positive integer parameter. */
  positiveInt(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`'${name}' must be a positive integer, got '${text}'`);
    return value;
  }

  /** A boolean parameter: `true`/`1` or `false`/`0`. */
  boolean(name: string): boolean | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    throw new UsageError(`'${name}' must be true or false, got '${text}'`);
  }
}

/** A class exported by an adapter package, checked to be a constructor. */
export function exportedClass<Options>(
  module: AdapterModule,
  name: string,
  packageName: string,
): new (options: Options) => SnapshotStorage {
  const value = module[name];
  if (typeof value !== "function") throw new Error(`${packageName} does not export ${name}; is it an older version?`);
  return value as new (options: Options) => SnapshotStorage;
}

/** Drops `undefined` values, so adapters see only the options the URL set. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
