import { InvalidObjectError } from "./errors.js";
import { withParsedJson } from "./parsed-json.js";
import { instantiate, schemaOf, type AnyModelClass, type ModelJSON, type ObjectModel } from "./model.js";

/**
 * Model classes by type name: how a store turns a type name into a class, and stored JSON back
 * into instances. One class per type name.
 */
export class ModelRegistry {
  readonly #classes = new Map<string, AnyModelClass>();

  /**
   * Registers model classes. Throws {@link InvalidObjectError} when a type name is already taken
   * by another class, or when a field would hide a method the class (or a subclass) defines.
   */
  register(...models: AnyModelClass[]): void {
    for (const model of models) {
      const schema = schemaOf(model);
      const known = this.#classes.get(schema.type);
      if (known === model) continue;
      if (known !== undefined) {
        throw new InvalidObjectError(`Model type '${schema.type}' is already registered with class ${known.name}, not ${model.name}`);
      }
      for (const field of schema.fields) {
        if (field in model.prototype) {
          throw new InvalidObjectError(`Model '${schema.type}': field '${field}' would hide the class member of the same name`);
        }
      }
      this.#classes.set(schema.type, model);
    }
  }

  /** The class registered for `type`, if any. */
  find(type: string): AnyModelClass | undefined {
    return this.#classes.get(type);
  }

  /** The class registered for `type`; throws {@link InvalidObjectError} when there is none. */
  require(type: string): AnyModelClass {
    const model = this.#classes.get(type);
    if (model === undefined) {
      throw new InvalidObjectError(`Model type '${type}' is not registered with this store: pass its class, or register it first`);
    }
    return model;
  }

  /** Every registered class, in registration order. */
  classes(): AnyModelClass[] {
    return [...this.#classes.values()];
  }

  /** Rebuilds an instance from its JSON, through the class registered for its type. */
  fromJSON(json: ModelJSON): ObjectModel {
    if (json === null || typeof json !== "object" || typeof json.type !== "string" || json.fields === null || typeof json.fields !== "object") {
      throw new InvalidObjectError("Stored object is not model JSON ({ type, fields })");
    }
    return instantiate(this.require(json.type), json.fields);
  }

  /**
   * {@link fromJSON} for a value that `JSON.parse` has just returned and nothing else holds: the
   * same structural checks, without re-checking that each value is JSON (it cannot be anything
   * else). Stores use it to decode what they read.
   */
  fromParsedJSON(json: ModelJSON): ObjectModel {
    return withParsedJson(() => this.fromJSON(json));
  }
}
