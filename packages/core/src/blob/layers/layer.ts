import type { SnapshotStorage, SyncOptions, SyncReport } from "../storage.js";
import { syncStorages } from "../sync/sync-storages.js";

/** Replacement methods of a layer, by name; each is called with the wrapped storage's arguments. */
export type LayerMethods = Partial<Record<string, (...args: never[]) => unknown>>;

/**
 * The storage, with the methods `methods` names replaced where the storage has them, and
 * everything else forwarded. Methods are bound to the storage itself, so classes with `#private`
 * fields keep working (a bare `Proxy` would call them on the proxy and throw). Brands (symbol
 * properties: native copies recognise their own backend by them) and the constructor (the backend
 * name that sync's etag rule compares) pass through untouched, so a wrapped pair still copies
 * natively. A method the storage lacks is never added: the tier stays what it was.
 *
 * `sync` is replaced by core's `syncStorages` over the wrapped storage on both sides, so that its
 * listings, reads, writes and deletes go through the layer too (native copies are the backend's
 * own, and do not).
 */
export function layer<S extends SnapshotStorage>(storage: S, methods: LayerMethods): S {
  const sync = (srcPrefix: string, dstPrefix: string, options?: SyncOptions): Promise<SyncReport> =>
    syncStorages(wrapped, srcPrefix, wrapped, dstPrefix, options);
  const all: LayerMethods = { sync, ...methods };
  const wrapped = new Proxy(storage, {
    get: (target, property) => {
      if (typeof property === "string") {
        const replacement = Object.hasOwn(all, property) ? all[property] : undefined;
        if (replacement !== undefined && typeof Reflect.get(target, property, target) === "function") return replacement;
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || property === "constructor") return value;
      return value.bind(target);
    },
  });
  return wrapped;
}

/**
 * Calls the named method of `storage` on it, looked up at call time: a layer builds its
 * replacements for every method it knows, and {@link layer} only uses those the storage has.
 */
export function method<A extends unknown[], R>(storage: SnapshotStorage, name: string): (...args: A) => R {
  return (...args: A): R => {
    const found = (storage as unknown as Record<string, ((...args: A) => R) | undefined>)[name];
    if (found === undefined) throw new TypeError(`${name} is not a method of this storage`);
    return found.apply(storage, args);
  };
}
