/**
 * How stowage errors are recognised across copies of this package. A user's `node_modules` can hold
 * several copies of core (the ESM and the CommonJS build, a bundled copy, two versions), each with
 * its own classes, so `instanceof` on the class alone would fail between them. Every stowage error
 * therefore carries a brand under a registered symbol (shared by every copy in the process) whose
 * value is its `code`, and each class's `Symbol.hasInstance` accepts a branded error whose code is
 * one of the codes the class stands for.
 */

/** The registered symbol under which every stowage error carries its `code` (non-enumerable). */
export const ERROR_BRAND: unique symbol = Symbol.for("stowage.error");

/** Codes a class stands for; `"any"` for the base class, which stands for every branded error. */
type Codes = ReadonlySet<string> | "any";

const codesOfClass = new WeakMap<object, Codes>();

/**
 * Declares which codes `errorClass` stands for across copies: its own and those of all its
 * subclasses (a base class must list its subclasses' codes, or their errors from another copy
 * would not be its instances). Listed, not gathered from the subclasses as they load, so that a
 * bundle that keeps a base class and drops a subclass still recognises that subclass's errors.
 */
export function standsFor(errorClass: object, codes: readonly string[] | "any"): void {
  codesOfClass.set(errorClass, codes === "any" ? codes : new Set(codes));
}

/** Marks `error` with the brand, `code` as its value: non-enumerable, so printing and comparing errors ignore it. */
export function brand(error: object, code: string): void {
  Object.defineProperty(error, ERROR_BRAND, { value: code, enumerable: false, writable: false, configurable: false });
}

/** The code a stowage error (of any copy) is branded with, or `undefined` for any other value. */
export function brandOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const code = (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND];
  return typeof code === "string" ? code : undefined;
}

/**
 * `value instanceof errorClass`, for a class of any copy: true for this copy's instances (the
 * prototype chain, as ever), and for a branded error whose code the class stands for. A class that
 * did not declare its codes (a subclass written outside stowage) keeps the prototype check only.
 */
export function isInstance(errorClass: object, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(errorClass, value)) return true;
  const codes = codesOfClass.get(errorClass);
  if (codes === undefined) return false;
  const code = brandOf(value);
  return code !== undefined && (codes === "any" || codes.has(code));
}
