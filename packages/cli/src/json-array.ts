import type { Writable } from "node:stream";
import { jsonText } from "./json-text.js";

/**
 * Writes a JSON array to `out` element by element, so that a listing of any length is printed as it
 * is found and never held whole. The output is one valid JSON document (`[]` when empty), one
 * element per line.
 */
export class JsonArrayWriter {
  readonly #out: Writable;
  #count = 0;

  constructor(out: Writable) {
    this.#out = out;
  }

  /** Appends one element. */
  add(value: unknown): void {
    this.#out.write(`${this.#count === 0 ? "[\n" : ",\n"}  ${jsonText(value)}`);
    this.#count++;
  }

  /** Closes the array; call once, after the last {@link add}. */
  end(): void {
    this.#out.write(this.#count === 0 ? "[]\n" : "\n]\n");
  }
}
