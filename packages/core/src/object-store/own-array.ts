/**
 * `items` as an array of this realm: itself when it is one, else a shallow copy. A store's arrays
 * may come from another realm (a native module's, a test runner's vm context): `map` on one builds
 * another of that realm, and node:assert's strict comparison tells them apart by prototype, so
 * core copies them before handing them to its callers.
 */
export function ownArray<T>(items: readonly T[]): T[] {
  return Object.getPrototypeOf(items) === Array.prototype ? (items as T[]) : Array.from(items);
}
