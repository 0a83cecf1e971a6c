/**
 * The attribute values a model may hold: exactly what survives a trip through `JSON.stringify` and
 * `JSON.parse` unchanged. Every persistent store keeps models as this plain data, so a value that
 * JSON would silently alter (a `Date`, `NaN`, `undefined`, a `Map`, a class instance) is rejected
 * up front rather than coming back different. (One JSON quirk remains: `-0` comes back as `0`.)
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A plain JSON object: string keys, {@link JsonValue} values. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Returns a description of why `value` is not a {@link JsonValue} (naming the offending `path`),
 * or `undefined` when it is one. Rejects non-finite numbers, `undefined`, functions, symbols,
 * bigints, dates and every object whose prototype is not `Object.prototype`, `null` or an array.
 */
export function jsonProblem(value: unknown, path: string): string | undefined {
  // Scalars (most attribute values) need no walk.
  if (typeof value === "string" || typeof value === "boolean" || value === null) return undefined;
  const problem = problemAt(value, []);
  return problem === undefined ? undefined : `${path}${problem.at} ${problem.reason}`;
}

/**
 * How deep {@link isJsonValue} walks before it gives up and leaves the value to
 * {@link jsonProblem}'s exact walk: deeper values are rare, and a cycle ends here.
 */
const QUICK_DEPTH = 64;

/**
 * Internal (the package exports {@link jsonProblem} only): true when `value` is certainly a
 * {@link JsonValue}, by the same rules as `jsonProblem`, without allocating anything (no path, no
 * ancestor stack: a cycle or a value nested deeper than {@link QUICK_DEPTH} answers false). False
 * means "not certain": ask `jsonProblem`, which names the problem, or finds none. Stores run it on
 * every write, so it is the cheap half of the check.
 */
export function isJsonValue(value: unknown, depth = QUICK_DEPTH): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    // Indices: a hole reads as undefined and fails, as in jsonProblem.
    for (let index = 0; index < items.length; index++) if (!isJsonValue(items[index], depth - 1)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  // for...in walks the enumerable string keys without building a key array; an inherited one
  // (a polluted Object.prototype) is not the object's own: left to the exact walk.
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !isJsonValue((value as Record<string, unknown>)[key], depth - 1)) return false;
  }
  return true;
}

/** Where below the checked value a problem is (`[2].a`), and what it is. */
interface Problem {
  at: string;
  reason: string;
}

/**
 * The first problem in `value`, or undefined. Allocation-free on the good path: paths are built
 * only on the way back from a problem, and the ancestors (for cycles) are one shared stack.
 */
function problemAt(value: unknown, ancestors: object[]): Problem | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : { at: "", reason: `is ${value}, which JSON cannot represent` };
    case "object":
      break;
    default:
      return { at: "", reason: `is of type ${typeof value}, which JSON cannot represent` };
  }
  if (value === null) return undefined;
  if (ancestors.includes(value)) return { at: "", reason: "refers back to itself" };
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    return { at: "", reason: `is a ${name}; only plain objects and arrays are stored (encode dates as ISO strings)` };
  }
  ancestors.push(value);
  try {
    if (isArray) {
      const items = value as unknown[];
      // Indices, not iteration helpers: a hole in a sparse array reads as undefined and is refused.
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        if (typeof item === "string" || typeof item === "boolean" || item === null) continue;
        const problem = problemAt(item, ancestors);
        if (problem !== undefined) return { at: `[${index}]${problem.at}`, reason: problem.reason };
      }
      return undefined;
    }
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === "string" || typeof item === "boolean" || item === null) continue;
      const problem = problemAt(item, ancestors);
      if (problem !== undefined) return { at: `.${key}${problem.at}`, reason: problem.reason };
    }
    return undefined;
  } finally {
    ancestors.pop();
  }
}

/**
 * `JSON.stringify` with object keys sorted at every level, so two values that hold the same data
 * produce the same text whatever order their keys were set in. Used to decide whether two objects
 * are equal.
 */
export function canonicalJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, item: JsonValue) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    // No prototype, so a "__proto__" key is copied as data rather than setting a prototype.
    const sorted = Object.create(null) as JsonObject;
    for (const key of Object.keys(item).sort()) sorted[key] = item[key] as JsonValue;
    return sorted;
  });
}
