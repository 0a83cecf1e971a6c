import { isLogging, logEvent, type LogLevel } from "../logging/logger.js";
import type { Adapter } from "../object-store/adapter.js";
import { ObjectCrudError, ObjectNotCreated, ObjectNotDeleted, ObjectNotFound, ObjectNotUpdated } from "../object-store/errors.js";
import { schemaOf, type AnyModelClass, type ObjectModel, type SyncHookResult } from "../object-store/model.js";
import { modelClassOf, uidFromIdentifiers } from "../object-store/model-ref.js";
import type { DiffAction, DiffElement } from "./diff-element.js";
import type { Diff } from "./diff.js";
import { diffAdapters } from "./differ.js";
import { DiffSyncFlags, ModelFlags, checkModelFlags, hasFlag } from "./flags.js";
import { checkGivenDiff, resolveOptions, type AdapterSyncOptions, type DiffSyncProgress } from "./options.js";

/**
 * Syncs `source` into `dest` (diffsync's sync_from): computes the diff (or takes `options.diff`),
 * applies it through the destination model classes' hooks, and calls `dest.syncComplete` when
 * at least one change was applied. Resolves the diff that was applied.
 *
 * Unlike diffsync, every change reaches the destination store, whatever the store: a created
 * object is added, an updated one is written back with `update`, a deleted one is removed, and a
 * parent whose child list changed is written back once its children are done (also when a hook
 * fails and the sync stops).
 */
export async function syncAdapters<D extends Diff>(source: Adapter, dest: Adapter, options?: AdapterSyncOptions<D>): Promise<D> {
  const resolved = resolveOptions(options);
  const diff =
    options?.diff === undefined ? await diffAdapters(source, dest, options) : checkGivenDiff(options.diff, options.diffClass);
  const changed = await new Syncer(source, dest, resolved.flags, resolved.onProgress).run(diff);
  if (changed) await dest.syncComplete(source, diff, resolved.flags);
  return diff;
}

/** A destination object whose child list the sync may change, and whether it did. */
interface Parent {
  model: ObjectModel;
  dirty: boolean;
}

/** A model class as the syncer calls it. */
type HookedClass = AnyModelClass & { create(adapter: Adapter, ids: object, attrs: object): SyncHookResult<ObjectModel<object, object>> };

class Syncer {
  readonly #source: Adapter;
  readonly #dest: Adapter;
  readonly #flags: number;
  readonly #onProgress: DiffSyncProgress | undefined;
  #done = 0;
  #total = 0;

  constructor(source: Adapter, dest: Adapter, flags: number, onProgress: DiffSyncProgress | undefined) {
    this.#source = source;
    this.#dest = dest;
    this.#flags = flags;
    this.#onProgress = onProgress;
  }

  /** Applies every element; resolves whether anything changed. */
  async run(diff: Diff): Promise<boolean> {
    this.#total = diff.size;
    const fields = { src: this.#source.name, dst: this.#dest.name, flags: this.#flags, total: this.#total };
    logEvent("info", "sync.start", fields, `Sync ${this.#source.name} -> ${this.#dest.name}: ${this.#total} elements`);
    let changed = false;
    for (const element of diff.getChildren()) changed = (await this.#syncElement(element, undefined)) || changed;
    if (this.#done !== this.#total) this.#onProgress?.("sync", (this.#done = this.#total), this.#total);
    logEvent("info", "sync.complete", { ...fields, changed }, `Sync ${this.#source.name} -> ${this.#dest.name} complete`);
    return changed;
  }

  /** Applies one element, then (or, for NATURAL_DELETION_ORDER deletes, first) its children. */
  async #syncElement(element: DiffElement, parent: Parent | undefined): Promise<boolean> {
    const action = element.action;
    if (action === null && !element.hasDiffs(true)) {
      this.#logUnchanged(element);
      this.#advance(element.size);
      return false;
    }
    const modelClass = this.#dest.getModelClass(element.type);
    const uid = uidFromIdentifiers(schemaOf(modelClass), element.identifiers);
    const found = await this.#find(modelClass, uid);
    const foundFlags = found === undefined ? 0 : flagsOf(found);
    const childrenFirst =
      action === "delete" && hasFlag(foundFlags, ModelFlags.NATURAL_DELETION_ORDER) && !hasFlag(foundFlags, ModelFlags.SKIP_CHILDREN_ON_DELETE);
    // The destination object whose child list this element's children change; written back once.
    let holder: Parent | undefined = found === undefined ? undefined : { model: found, dirty: false };
    let changed = false;
    let removed = false;
    try {
      if (childrenFirst && holder !== undefined) changed = await this.#syncChildren(element, holder);
      const result = await this.#apply(element, action, modelClass, uid, found);
      if (result === undefined) {
        if (isLogging("warn")) {
          const message = `${element.type} ${JSON.stringify(uid)}: no object resulted from the sync; its children are not processed`;
          logEvent("warn", "sync.no-object", this.#fields(element, action, uid), message);
        }
        this.#advance(1);
        return changed;
      }
      if (holder === undefined) holder = { model: result, dirty: false };
      else holder.model = result;
      changed ||= action !== null;
      if (action === "create") {
        await this.#dest.store.add(result);
        if (parent !== undefined && !parent.model.getChildUids(result.getType()).includes(result.getUniqueId())) {
          parent.model.addChild(result);
          parent.dirty = true;
        }
      } else if (action === "update") {
        await this.#dest.store.update(result);
      } else if (action === "delete") {
        if (parent !== undefined && parent.model.getChildUids(result.getType()).includes(result.getUniqueId())) {
          parent.model.removeChild(result);
          parent.dirty = true;
        }
        const cascade = hasFlag(flagsOf(result), ModelFlags.SKIP_CHILDREN_ON_DELETE);
        await this.#removeFromStore(result, cascade);
        removed = true;
        if (cascade) {
          this.#advance(element.size);
          return changed;
        }
      }
      this.#advance(1);
      if (!childrenFirst) changed = (await this.#syncChildren(element, holder)) || changed;
      return changed;
    } finally {
      // Once, after the children, and also when a hook failed mid-way and the sync stops.
      if (holder?.dirty === true && !removed) await this.#dest.store.update(holder.model);
    }
  }

  async #syncChildren(element: DiffElement, parent: Parent): Promise<boolean> {
    let changed = false;
    for (const child of element.getChildren()) changed = (await this.#syncElement(child, parent)) || changed;
    return changed;
  }

  /**
   * Runs the element's hook. Resolves the resulting object (the destination object as is for an
   * element without an action), or undefined when there is none: the object is missing, the hook
   * returned null, or it threw a CRUD error under CONTINUE_ON_FAILURE.
   */
  async #apply(
    element: DiffElement,
    action: DiffAction | null,
    modelClass: AnyModelClass,
    uid: string,
    found: ObjectModel | undefined,
  ): Promise<ObjectModel | undefined> {
    if (action === null) return found;
    const name = `${element.type} ${JSON.stringify(uid)}`;
    const attrs = element.getAttrsDiffs()["+"] ?? {};
    let result: ObjectModel<object, object> | null | undefined;
    try {
      if (action === "create") {
        if (found !== undefined) throw new ObjectNotCreated(`Failed to create ${name}: it already exists`);
        result = await (modelClass as HookedClass).create(this.#dest, { ...element.identifiers }, attrs);
      } else if (action === "update") {
        if (found === undefined) throw new ObjectNotUpdated(`Failed to update ${name}: not found`);
        result = await found.update(attrs, this.#dest);
      } else {
        if (found === undefined) throw new ObjectNotDeleted(`Failed to delete ${name}: not found`);
        result = await found.delete(this.#dest);
      }
    } catch (error) {
      if (!(error instanceof ObjectCrudError)) throw error;
      this.#log("error", element, action, uid, "error", error.message);
      if (hasFlag(this.#flags, DiffSyncFlags.CONTINUE_ON_FAILURE)) return undefined;
      throw error;
    }
    if (result === null || result === undefined) {
      this.#log("warn", element, action, uid, "failure", `${element.type} ${action} did not return the model object`);
      return undefined;
    }
    modelClassOf(result);
    this.#log("info", element, action, uid, "success", `${action}d ${name}`);
    return result as ObjectModel;
  }

  async #find(modelClass: AnyModelClass, uid: string): Promise<ObjectModel | undefined> {
    try {
      return await this.#dest.store.get(modelClass, uid);
    } catch (error) {
      if (error instanceof ObjectNotFound) return undefined;
      throw error;
    }
  }

  /** Removes a deleted object from the store; a delete hook may have removed it already. */
  async #removeFromStore(obj: ObjectModel, removeChildren: boolean): Promise<void> {
    try {
      await this.#dest.store.remove(obj, { removeChildren });
    } catch (error) {
      if (!(error instanceof ObjectNotFound) || error.uid !== obj.getUniqueId()) throw error;
    }
  }

  #logUnchanged(element: DiffElement): void {
    if (!hasFlag(this.#flags, DiffSyncFlags.LOG_UNCHANGED_RECORDS)) return;
    const modelClass = this.#dest.getModelClass(element.type);
    const uid = uidFromIdentifiers(schemaOf(modelClass), element.identifiers);
    this.#log("debug", element, null, uid, "success", "No changes to apply; no action needed");
    for (const child of element.getChildren()) this.#logUnchanged(child);
  }

  #log(level: LogLevel, element: DiffElement, action: DiffAction | null, uid: string, status: string, message: string): void {
    if (!isLogging(level)) return;
    logEvent(level, "sync.element", { ...this.#fields(element, action, uid), status }, message);
  }

  #fields(element: DiffElement, action: DiffAction | null, uid: string): Record<string, unknown> {
    return { src: this.#source.name, dst: this.#dest.name, action, model: element.type, uid, diffs: element.getAttrsDiffs() };
  }

  #advance(count: number): void {
    this.#done += count;
    this.#onProgress?.("sync", this.#done, this.#total);
  }
}

function flagsOf(obj: ObjectModel): number {
  return checkModelFlags(obj.getModelFlags(), obj);
}
