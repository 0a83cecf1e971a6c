import type { ObjectModel } from "../object-store/model.js";
import type { DiffElement } from "./diff-element.js";

/*
 * Repairs of half-written families, once for every store (issue 20). A parent and its children are
 * separate objects, written by separate store calls, so a sync cut short (a crash between two
 * batches of writes, or between two shards of one batch) can leave a stored child that no parent
 * lists, or a parent listing a child that is not stored. A re-run of the same sync must converge
 * from there rather than fail with "it already exists" or "is not in the store".
 */

/**
 * What one sync remembers to repair families: the children it created and those it adopted.
 * Memory grows with the children created, as the diff does with its elements.
 */
export class FamilyRepair {
  /** `type\0uid` of every child this sync created: a second create of one is a conflict, not debris to adopt. */
  readonly #created = new Set<string>();
  /** `type\0uid` of every child this sync adopted. */
  readonly #adopted = new Set<string>();

  /** Records a child this sync created. */
  created(type: string, uid: string): void {
    this.#created.add(keyOf(type, uid));
  }

  /**
   * Whether the create of a child whose object is already stored adopts it: the diff saw no
   * parent list it (else it would have been compared, not created), and this sync did not create
   * it. The caller updates it to the source's attributes (through the update hook) and links it
   * into its parent. One created by this very sync (listed under two parents) is a real conflict,
   * and so is a top-level object (the diff saw every one): those are not adopted.
   */
  adopts(type: string, uid: string): boolean {
    const key = keyOf(type, uid);
    if (this.#created.has(key)) return false;
    this.#adopted.add(key);
    return true;
  }

  /**
   * Whether the delete of a child under one parent is the other half of a move this sync made by
   * adopting it under another: then it is only taken off the old parent's list (no delete hook,
   * no removal), or a move whose new parent comes first would adopt the object, then remove it.
   */
  moved(type: string, uid: string): boolean {
    return this.#adopted.has(keyOf(type, uid));
  }
}

/**
 * Takes the element's dangling child references ({@link DiffElement.danglingChildren}: listed, not
 * stored, not in the source) off `obj`'s child lists; whether any was listed.
 */
export function unlistDangling(element: DiffElement, obj: ObjectModel): boolean {
  let unlisted = false;
  for (const [type, uids] of element.danglingChildren) {
    for (const uid of uids) {
      if (!obj.getChildUids(type).includes(uid)) continue;
      obj.removeChild({ getType: () => type, getUniqueId: () => uid });
      unlisted = true;
    }
  }
  return unlisted;
}

function keyOf(type: string, uid: string): string {
  return `${type}\u0000${uid}`;
}
