import type { JsonObject, JsonValue } from "../object-store/json.js";
import type { IdentifierValue } from "../object-store/model.js";
import type { Diff, DiffClass, DiffDict, DiffSummary } from "./diff.js";

/** What a sync does to one destination object. */
export type DiffAction = "create" | "update" | "delete";

/**
 * Attribute differences of one object: `"+"` holds the source's values, `"-"` the destination's.
 * An object only in the source has just `"+"` (all its attributes), one only in the destination
 * just `"-"`; for an object on both sides both hold the attributes whose values differ.
 */
export interface AttrsDiff {
  /** Source values. */
  "+"?: JsonObject;
  /** Destination values. */
  "-"?: JsonObject;
}

/** One element of {@link Diff.toDict}: attribute differences, and child elements by type. */
export interface DiffElementDict {
  /** Source values of the attributes that differ. */
  "+"?: JsonObject;
  /** Destination values of the attributes that differ. */
  "-"?: JsonObject;
  /** Child type -> child shortname -> element. */
  [childType: string]: JsonObject | Record<string, DiffElementDict> | undefined;
}

/** What the elements of one diff share: the adapter names and the Diff class of child diffs. */
export interface DiffContext {
  /** The source adapter's name. */
  readonly sourceName: string;
  /** The destination adapter's name. */
  readonly destName: string;
  /** The class of each element's child diff. */
  readonly diffClass: DiffClass;
}

const NO_ATTRS: JsonObject = Object.freeze({}) as JsonObject;
const NO_DANGLING: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * One object of a diff (diffsync's DiffElement): its type, shortname and identifiers, how its
 * attributes differ between source and destination, and the elements of its children.
 *
 * To stay small when most objects are unchanged, an element keeps only the attribute values that
 * differ (all of them for an object present on one side only), never both full attribute sets.
 */
export class DiffElement {
  /** The model type name. */
  readonly type: string;
  /** The object's shortname: unique among its siblings of the same type in a diff. */
  readonly shortname: string;
  /** The object's identifier fields and values. */
  readonly identifiers: Readonly<Record<string, IdentifierValue>>;
  readonly #context: DiffContext;
  #source: JsonObject | undefined;
  #dest: JsonObject | undefined;
  #children: Diff | undefined;
  #dangling: Map<string, string[]> | undefined;

  constructor(type: string, shortname: string, identifiers: Readonly<Record<string, IdentifierValue>>, context: DiffContext) {
    this.type = type;
    this.shortname = shortname;
    this.identifiers = identifiers;
    this.#context = context;
  }

  /** The source adapter's name. */
  get sourceName(): string {
    return this.#context.sourceName;
  }

  /** The destination adapter's name. */
  get destName(): string {
    return this.#context.destName;
  }

  /**
   * Records the attributes of the object on each side (`undefined`: absent on that side). When
   * both are given, only the attributes both declare are compared, and only those whose values
   * differ are kept.
   */
  setAttrs(source: JsonObject | undefined, dest: JsonObject | undefined): this {
    if (source === undefined || dest === undefined) {
      this.#source = source;
      this.#dest = dest;
      return this;
    }
    let plus: JsonObject | undefined;
    let minus: JsonObject | undefined;
    for (const key of Object.keys(dest)) {
      if (!Object.hasOwn(source, key) || sameValue(source[key], dest[key])) continue;
      (plus ??= {})[key] = source[key] as JsonValue;
      (minus ??= {})[key] = dest[key] as JsonValue;
    }
    this.#source = plus ?? NO_ATTRS;
    this.#dest = minus ?? NO_ATTRS;
    return this;
  }

  /** `"create"` (source only), `"delete"` (destination only), `"update"` (attributes differ), or `null`. */
  get action(): DiffAction | null {
    if (this.#source !== undefined && this.#dest === undefined) return "create";
    if (this.#source === undefined && this.#dest !== undefined) return "delete";
    if (this.#source !== undefined && Object.keys(this.#source).length > 0) return "update";
    return null;
  }

  /** The attribute differences (see {@link AttrsDiff}); `{}` for an element with neither side. */
  getAttrsDiffs(): AttrsDiff {
    const diffs: AttrsDiff = {};
    if (this.#dest !== undefined) diffs["-"] = { ...this.#dest };
    if (this.#source !== undefined) diffs["+"] = { ...this.#source };
    return diffs;
  }

  /** Adds a child element (to this element's child diff, created on first use). */
  addChild(element: DiffElement): void {
    this.#children ??= new this.#context.diffClass();
    this.#children.add(element);
  }

  /** The child diff; an empty one when the element has no children. */
  get childDiff(): Diff {
    this.#children ??= new this.#context.diffClass();
    return this.#children;
  }

  /** The child elements, in the child diff's order. */
  *getChildren(): Generator<DiffElement, void, undefined> {
    if (this.#children !== undefined) yield* this.#children.getChildren();
  }

  /**
   * Records that the destination object lists a child of type `type` and uid `uid` that is not
   * stored, and that the source does not list: a reference an interrupted sync left dangling. A
   * sync takes it off the destination object's list. It is a difference ({@link hasDiffs}), though
   * no element stands for it (there is no object to describe).
   */
  addDanglingChild(type: string, uid: string): void {
    this.#dangling ??= new Map();
    const uids = this.#dangling.get(type);
    if (uids === undefined) this.#dangling.set(type, [uid]);
    else uids.push(uid);
  }

  /** The dangling child references recorded with {@link addDanglingChild}: child type -> uids. */
  get danglingChildren(): ReadonlyMap<string, readonly string[]> {
    return this.#dangling ?? NO_DANGLING;
  }

  /**
   * Whether this element has an action or a dangling child reference, or (with `includeChildren`,
   * the default) any descendant has.
   */
  hasDiffs(includeChildren = true): boolean {
    if (this.action !== null || this.#dangling !== undefined) return true;
    return includeChildren && this.#children !== undefined && this.#children.hasDiffs();
  }

  /** How many elements this one holds, itself included. */
  get size(): number {
    return 1 + (this.#children?.size ?? 0);
  }

  /** Counts of this element and its descendants by action. */
  summary(): DiffSummary {
    const summary = this.#children?.summary() ?? { create: 0, update: 0, delete: 0, "no-change": 0, skip: 0 };
    summary[this.action ?? "no-change"] += 1;
    return summary;
  }

  /** The element as plain data: `"-"` and `"+"` when present, then its children with diffs by type. */
  toDict(): DiffElementDict {
    const dict: DiffElementDict = { ...this.getAttrsDiffs() };
    if (this.#children?.hasDiffs() === true) Object.assign(dict, this.#children.toDict() satisfies DiffDict);
    return dict;
  }

  /** A readable, indented description of the element and its children with diffs. */
  str(indent = 0): string {
    const margin = " ".repeat(indent);
    let text = `${margin}${this.type}: ${this.shortname}`;
    if (this.#source !== undefined && this.#dest !== undefined) {
      for (const key of Object.keys(this.#source)) {
        text += `\n${margin}  ${key}    ${this.sourceName}(${formatValue(this.#source[key])})    ${this.destName}(${formatValue(this.#dest[key])})`;
      }
    } else if (this.#dest !== undefined) {
      text += ` MISSING in ${this.sourceName}`;
    } else if (this.#source !== undefined) {
      text += ` MISSING in ${this.destName}`;
    }
    for (const [type, uids] of this.danglingChildren) {
      for (const uid of uids) text += `\n${margin}  ${type} ${JSON.stringify(uid)} listed in ${this.destName} but not stored`;
    }
    if (this.#children?.hasDiffs() === true) text += `\n${this.#children.str(indent + 2)}`;
    else if (this.#source === undefined && this.#dest === undefined) text += " (no diffs)";
    return text;
  }

  /** `type "shortname"` and the attribute differences, on one line. */
  toString(): string {
    return `${this.type} ${JSON.stringify(this.shortname)} : ${JSON.stringify(this.identifiers)} : ${this.sourceName} → ${this.destName} : ${JSON.stringify(this.getAttrsDiffs())}`;
  }
}

/** Deep equality of two attribute values (plain JSON), key order aside. */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

function formatValue(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
