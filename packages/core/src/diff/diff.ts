import { ObjectAlreadyExists } from "../object-store/errors.js";
import type { DiffElement, DiffElementDict } from "./diff-element.js";

/** Counts of a diff's elements by action, and of the objects flags left out (`skip`). */
export interface DiffSummary {
  /** Objects to create in the destination. */
  create: number;
  /** Objects whose attributes differ. */
  update: number;
  /** Objects to delete from the destination. */
  delete: number;
  /** Objects on both sides with equal attributes. */
  "no-change": number;
  /**
   * Objects left out of the diff: by a flag (IGNORE, SKIP_UNMATCHED_*; a matched pair counts once,
   * its children not at all), or because their type is top-level, or a child type, on one side only.
   */
  skip: number;
}

/** Type name -> shortname -> element: the plain form of a diff ({@link Diff.toDict}). */
export type DiffDict = Record<string, Record<string, DiffElementDict>>;

/** A Diff class: the engine builds the top-level diff and every child diff with it. */
export type DiffClass<D extends Diff = Diff> = new () => D;

/**
 * A set of {@link DiffElement}s grouped by type (diffsync's Diff): the result of a diff, and the
 * plan a sync applies. Groups keep the order their first element was added in, and elements their
 * insertion order, unless a subclass reorders them:
 *
 * ```ts
 * class ByName extends Diff {
 *   protected override orderChildren(type: string, elements: readonly DiffElement[]): Iterable<DiffElement> {
 *     return type === "device" ? [...elements].sort((a, b) => a.shortname.localeCompare(b.shortname)) : elements;
 *   }
 * }
 * const diff = await dest.diffFrom(source, { diffClass: ByName });
 * ```
 */
export class Diff {
  /** Objects left out by flags or unshared types at this level (see {@link DiffSummary.skip}). */
  skipped = 0;
  readonly #groups = new Map<string, Map<string, DiffElement>>();

  /**
   * Adds an element. Throws {@link ObjectAlreadyExists} when an element of the same type and
   * shortname is already in this diff (shortnames must be unique among siblings).
   */
  add(element: DiffElement): void {
    let group = this.#groups.get(element.type);
    if (group === undefined) this.#groups.set(element.type, (group = new Map()));
    const existing = group.get(element.shortname);
    if (existing !== undefined) {
      throw new ObjectAlreadyExists(described(existing), described(element), "is already in the diff (shortnames must be unique among siblings)");
    }
    group.set(element.shortname, element);
  }

  /** The type names of the groups, in order. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** The element of `type` with this shortname, if any. */
  getElement(type: string, shortname: string): DiffElement | undefined {
    return this.#groups.get(type)?.get(shortname);
  }

  /** Whether any element, or any descendant, has an action. */
  hasDiffs(): boolean {
    for (const group of this.#groups.values()) {
      for (const element of group.values()) if (element.hasDiffs(true)) return true;
    }
    return false;
  }

  /** Every element, group by group, each group in {@link orderChildren}'s order. */
  *getChildren(): Generator<DiffElement, void, undefined> {
    for (const [type, group] of this.#groups) yield* this.orderChildren(type, [...group.values()]);
  }

  /** Same as {@link getChildren}. */
  [Symbol.iterator](): Generator<DiffElement, void, undefined> {
    return this.getChildren();
  }

  /**
   * The order in which the elements of one type are iterated, and so synced (diffsync's
   * `order_children_<type>`). Returns them as added; override to reorder some or all types.
   */
  protected orderChildren(_type: string, elements: readonly DiffElement[]): Iterable<DiffElement> {
    return elements;
  }

  /** How many elements the diff holds, descendants included. */
  get size(): number {
    let total = 0;
    for (const group of this.#groups.values()) for (const element of group.values()) total += element.size;
    return total;
  }

  /** Counts by action over every element and descendant, and the skipped objects. */
  summary(): DiffSummary {
    const summary: DiffSummary = { create: 0, update: 0, delete: 0, "no-change": 0, skip: this.skipped };
    for (const group of this.#groups.values()) {
      for (const element of group.values()) {
        const counts = element.summary();
        summary.create += counts.create;
        summary.update += counts.update;
        summary.delete += counts.delete;
        summary["no-change"] += counts["no-change"];
        summary.skip += counts.skip;
      }
    }
    return summary;
  }

  /** The elements that have diffs (or descendants with diffs), as plain data. */
  toDict(): DiffDict {
    const dict: DiffDict = {};
    for (const element of this.getChildren()) {
      if (element.hasDiffs(true)) (dict[element.type] ??= {})[element.shortname] = element.toDict();
    }
    return dict;
  }

  /** A readable, indented description of the elements with diffs; `"(no diffs)"` when there are none. */
  str(indent = 0): string {
    const margin = " ".repeat(indent);
    const lines: string[] = [];
    for (const type of this.groups()) {
      let headed = false;
      for (const element of this.orderChildren(type, [...(this.#groups.get(type)?.values() ?? [])])) {
        if (!element.hasDiffs(true)) continue;
        if (!headed) lines.push(`${margin}${type}`);
        headed = true;
        lines.push(element.str(indent + 2));
      }
    }
    return lines.length === 0 ? "(no diffs)" : lines.join("\n");
  }

  /** Same as {@link str}. */
  toString(): string {
    return this.str();
  }

  /**
   * Called once the diff engine has filled this (top-level) diff. Does nothing; a subclass may
   * save the diff, for instance.
   */
  complete(): void | Promise<void> {}
}

function described(element: DiffElement): { getType(): string; getUniqueId(): string } {
  return { getType: () => element.type, getUniqueId: () => element.shortname };
}
