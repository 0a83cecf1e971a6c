/*
 * Internal (not exported from the package): lets a store rebuild an instance from text it just
 * ran through JSON.parse without re-checking that every attribute value is JSON. JSON.parse can
 * only produce JSON values, so that check (a walk over every value) could never fail there; the
 * structural checks (known fields, identifier types, child uid lists, missing attributes) still run.
 */

let parsed = false;

/** Runs `build` (one model constructor call) marking its input as fresh JSON.parse output. */
export function withParsedJson<T>(build: () => T): T {
  parsed = true;
  try {
    return build();
  } finally {
    parsed = false;
  }
}

/**
 * True when the constructor now running was started by {@link withParsedJson}. Reading it clears
 * it, so a model constructor that builds other models builds those with every check.
 */
export function takeParsedJson(): boolean {
  const value = parsed;
  parsed = false;
  return value;
}
