/**
 * `JSON.stringify` for the CLI's JSON output: a BigInt (a time in ns, which `JSON.stringify`
 * refuses with a TypeError) is written as its decimal digits in a string, so that no value a
 * backend returns can make `--json` throw. Times themselves are printed as RFC 3339 text.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item), indent);
}
