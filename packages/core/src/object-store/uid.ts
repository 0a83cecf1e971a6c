/**
 * How identifier values are joined into a unique id, so that distinct identifier tuples never
 * share one (diffsync joins them with `__` as they are, so `{device: "r1__core", name: "eth0"}`
 * and `{device: "r1", name: "core__eth0"}` both became `r1__core__eth0`; issue 14).
 *
 * The rule: values are joined by `__` in declared order. A value is escaped only when it could be
 * confused with the separator: when it contains `__` or `\`, or starts or ends with `_`. Escaping
 * puts a `\` before every `\` and every `_` of the value. So every uid of a value without any of
 * those is what diffsync builds (`rtr1__eth0`), and a one-identifier model's uid is always the
 * value itself. Decoding is unambiguous: read left to right, `\x` stands for `x`; outside such
 * pairs an escaped value has no `_`, a plain value only single `_` between other characters, so
 * every `__` that remains is a separator.
 *
 * Examples: `("r1__core", "eth0")` -> `r1\_\_core__eth0`; `("r1", "core__eth0")` ->
 * `r1__core\_\_eth0`; `("a_", "b")` -> `a\___b`; `("a\b", "c")` -> `a\\b__c`.
 */

/** The separator between identifier values in a unique id (diffsync's). */
export const UID_SEPARATOR = "__";

/** The escape character of {@link escapeUidPart}. */
export const UID_ESCAPE = "\\";

/** Any character that {@link needsEscape} looks for. */
const MAY_NEED_ESCAPE = /[_\\]/;

/** Whether a value needs escaping: `__` or `\` inside, or `_` at either end. */
function needsEscape(value: string): boolean {
  // Most values have neither an `_` nor a `\`: one scan answers for them.
  if (!MAY_NEED_ESCAPE.test(value)) return false;
  return value.includes(UID_SEPARATOR) || value.includes(UID_ESCAPE) || value.startsWith("_") || value.endsWith("_");
}

/**
 * One identifier value as it appears in a multi-identifier uid: unchanged unless it contains `__`
 * or `\` or starts or ends with `_`; then every `\` and `_` gets a `\` before it.
 */
export function escapeUidPart(value: string): string {
  return needsEscape(value) ? value.replace(/[\\_]/g, "\\$&") : value;
}

/**
 * The uid of identifier values (already turned to strings), in declared order: the value itself
 * for one, `""` for none, otherwise the values escaped by {@link escapeUidPart} and joined by `__`.
 */
export function joinUid(values: readonly string[]): string {
  if (values.length === 1) return values[0] as string;
  let uid = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) uid += UID_SEPARATOR;
    uid += escapeUidPart(values[i] as string);
  }
  return uid;
}

/**
 * Splits a uid built by {@link joinUid} from `count` values back into them; `undefined` when the
 * text is not such a uid. The inverse of `joinUid` for every tuple of `count` strings.
 */
export function splitUid(uid: string, count: number): string[] | undefined {
  if (count === 1) return [uid];
  const values: string[] = [];
  let current = "";
  for (let i = 0; i < uid.length; i++) {
    const char = uid[i] as string;
    if (char === UID_ESCAPE && i + 1 < uid.length) {
      current += uid[++i] as string;
    } else if (char === "_" && uid[i + 1] === "_") {
      values.push(current);
      current = "";
      i++;
    } else {
      current += char;
    }
  }
  values.push(current);
  // Only the canonical spelling is a uid: anything else decodes to values that join differently.
  return values.length === count && joinUid(values) === uid ? values : undefined;
}
