import { throwIfAborted } from "../errors.js";
import { isLogging, logEvent, type LogLevel } from "../logging/logger.js";
import type { Adapter } from "./adapter.js";
import { ObjectCrudError, ObjectNotCreated, ObjectNotDeleted, ObjectNotFound, ObjectNotUpdated } from "../object-store/errors.js";
import { ObjectModel, schemaOf, type AnyModelClass, type SyncHookResult } from "../object-store/model.js";
import { modelClassOf, uidFromIdentifiers } from "../object-store/model-ref.js";
import { BaseStore } from "../object-store/base-store.js";
import type { DiffAction, DiffElement } from "./diff-element.js";
import type { Diff } from "./diff.js";
import { diffAdapters } from "./differ.js";
import { DiffSyncFlags, ModelFlags, checkModelFlags, hasFlag } from "./flags.js";
import { checkGivenDiff, resolveOptions, type AdapterSyncOptions, type DiffSyncProgress } from "./options.js";
import { StoreWrites } from "./store-writes.js";
import { FamilyRepair, unlistDangling } from "./family-repair.js";

/**
 * Syncs `source` into `dest` (diffsync's sync_from): computes the diff (or takes `options.diff`),
 * applies it through the destination model classes' hooks, and calls `dest.syncComplete` when
 * at least one change was applied. Resolves the diff that was applied.
 *
 * Unlike diffsync, every change reaches the destination store, whatever the store: a created
 * object is added, an updated one is written back with `update`, a deleted one is removed, and a
 * parent whose child list changed is written back once its children are done (also when a hook
 * fails and the sync stops).
 *
 * No round trip per change: the destination objects of each run of up to `SYNC_BATCH`
 * sibling elements are read with one `findMany`, and the store writes of objects whose model
 * keeps the default hooks are collected and written with `addMany` / `updateMany` /
 * `removeMany`, `SYNC_BATCH` at a time. Before a custom hook runs (it may read or write the
 * store), everything collected is written and later reads are fresh, so a hook always sees the
 * store as a one-by-one sync would leave it. When a collected write fails, others of its batch
 * may have been written.
 *
 * Each run of up to `SYNC_BATCH` top-level elements is a run of whole families (a top-level
 * object and its descendants). When the destination store commits writes together (it overrides
 * `commitTogether`, as SQLiteStore does), all the run's writes are sent inside one
 * `dest.store.commitTogether`, so a sync cut short by a crash leaves every family as it was or as
 * synced, never half written.
 *
 * A family an interrupted sync left half written converges (see `family-repair.ts`): a listed
 * child that is not stored counts as absent (created if the source has it, else unlisted), and a
 * stored child no parent lists is adopted when the source creates it.
 *
 * With `options.signal`: checked before each element; once aborted, nothing more is applied, the
 * writes of the changes already applied are completed, and the call rejects with `AbortError`
 * (`E_ABORTED`, the signal's reason as `cause`).
 */
export async function syncAdapters<D extends Diff>(source: Adapter, dest: Adapter, options?: AdapterSyncOptions<D>): Promise<D> {
  const resolved = resolveOptions(options);
  throwIfAborted(resolved.signal, "the sync");
  const diff =
    options?.diff === undefined ? await diffAdapters(source, dest, options) : checkGivenDiff(options.diff, options.diffClass);
  const changed = await new Syncer(source, dest, resolved.flags, resolved.onProgress, resolved.signal).run(diff);
  if (changed) await dest.syncComplete(source, diff, resolved.flags);
  return diff;
}

/** A destination object whose child list the sync may change, and whether it did. */
interface Parent {
  model: ObjectModel;
  dirty: boolean;
}

/** Sibling elements whose destination objects are read at once, and store writes collected before they are sent. */
export const SYNC_BATCH = 1000;

/** A model class as the syncer calls it. */
type HookedClass = AnyModelClass & { create(adapter: Adapter, ids: object, attrs: object): SyncHookResult<ObjectModel<object, object>> };

class Syncer {
  readonly #source: Adapter;
  readonly #dest: Adapter;
  readonly #flags: number;
  readonly #onProgress: DiffSyncProgress | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #writes: StoreWrites;
  /** Destination objects read ahead for the elements about to be synced, by type and uid. */
  #ahead = new Map<string, Map<string, ObjectModel | undefined>>();
  #done = 0;
  #total = 0;
  readonly #repair = new FamilyRepair();
  /** Whether the store overrides {@link BaseStore.commitTogether}; any other sends writes only once 1,000 wait. */
  readonly #grouped: boolean;

  constructor(source: Adapter, dest: Adapter, flags: number, onProgress: DiffSyncProgress | undefined, signal: AbortSignal | undefined) {
    this.#source = source;
    this.#dest = dest;
    this.#flags = flags;
    this.#onProgress = onProgress;
    this.#signal = signal;
    // What was read ahead of an object is stale once the object is written.
    this.#writes = new StoreWrites(dest.store, SYNC_BATCH, (type, uid) => void this.#ahead.get(type)?.delete(uid));
    this.#grouped = dest.store.commitTogether !== BaseStore.prototype.commitTogether;
  }

  /** Applies every element; resolves whether anything changed. */
  async run(diff: Diff): Promise<boolean> {
    this.#total = diff.size;
    const fields = { src: this.#source.name, dst: this.#dest.name, flags: this.#flags, total: this.#total };
    logEvent("info", "sync.start", fields, `Sync ${this.#source.name} -> ${this.#dest.name}: ${this.#total} elements`);
    let changed = false;
    await this.#flushingAfter(async () => {
      changed = await this.#syncSiblings(diff.getChildren(), undefined);
    });
    if (this.#done !== this.#total) this.#onProgress?.("sync", (this.#done = this.#total), this.#total);
    logEvent("info", "sync.complete", { ...fields, changed }, `Sync ${this.#source.name} -> ${this.#dest.name} complete`);
    return changed;
  }

  /**
   * Runs `work`, then writes what it collected; also when it fails (the changes applied so far are
   * persisted on an error or an abort), passing the failure on (a failure of that write is logged).
   */
  async #flushingAfter(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      await this.#writes.flush().catch((flushError: unknown) => {
        const fields = { src: this.#source.name, dst: this.#dest.name, flags: this.#flags, total: this.#total, error: String(flushError) };
        logEvent("error", "sync.flush-failed", fields, `Sync ${this.#source.name} -> ${this.#dest.name}: writing the applied changes failed: ${String(flushError)}`);
      });
      throw error;
    }
    await this.#writes.flush();
  }

  /**
   * Syncs sibling elements in order. Their destination objects (and their descendants') are read
   * ahead in batches, unless an earlier read-ahead already holds them. Each batch of top-level
   * elements is a batch of whole families: on a store that commits writes together, its writes
   * are all sent inside one {@link BaseStore.commitTogether}, so a crash leaves each family as it
   * was or as synced.
   */
  async #syncSiblings(elements: Iterable<DiffElement>, parent: Parent | undefined): Promise<boolean> {
    let changed = false;
    let batch: DiffElement[] = [];
    const run = async (): Promise<void> => {
      if (parent === undefined) this.#ahead = new Map();
      if (!batch.every((element) => !needsObject(element) || this.#ahead.get(element.type)?.has(this.#uidOf(element)) === true)) {
        await this.#readAhead(batch);
      }
      for (const element of batch) changed = (await this.#syncElement(element, parent)) || changed;
      batch = [];
    };
    const step = parent === undefined && this.#grouped ? () => this.#dest.store.commitTogether(() => this.#flushingAfter(run)) : run;
    for (const element of elements) {
      batch.push(element);
      if (batch.length >= SYNC_BATCH) await step();
    }
    if (batch.length > 0) await step();
    return changed;
  }

  /**
   * Reads the destination objects that `elements` and their descendants need (up to
   * `SYNC_BATCH` times four; deeper ones are read when their turn comes), one `findMany`
   * per type and `SYNC_BATCH` uids, after writing any collected write of those objects.
   */
  async #readAhead(elements: readonly DiffElement[]): Promise<void> {
    const wanted = new Map<string, Set<string>>();
    let size = 0;
    let level: readonly DiffElement[] = elements;
    while (level.length > 0 && size < 4 * SYNC_BATCH) {
      const next: DiffElement[] = [];
      for (const element of level) {
        if (!needsObject(element)) continue;
        const uids = wanted.get(element.type) ?? new Set<string>();
        wanted.set(element.type, uids.add(this.#uidOf(element)));
        size++;
        for (const child of element.getChildren()) next.push(child);
      }
      level = next;
    }
    if ([...wanted].some(([type, uids]) => [...uids].some((uid) => this.#writes.has(type, uid)))) await this.#writes.flush();
    for (const [type, set] of wanted) {
      const uids = [...set];
      const known = this.#ahead.get(type) ?? new Map<string, ObjectModel | undefined>();
      this.#ahead.set(type, known);
      for (let start = 0; start < uids.length; start += SYNC_BATCH) {
        const slice = uids.slice(start, start + SYNC_BATCH);
        const found = await this.#dest.store.findMany(slice, this.#dest.getModelClass(type));
        slice.forEach((uid, index) => known.set(uid, found[index] as ObjectModel | undefined));
      }
    }
  }

  #uidOf(element: DiffElement): string {
    return uidFromIdentifiers(schemaOf(this.#dest.getModelClass(element.type)), element.identifiers);
  }

  /** Applies one element, then (or, for NATURAL_DELETION_ORDER deletes, first) its children. */
  async #syncElement(element: DiffElement, parent: Parent | undefined): Promise<boolean> {
    throwIfAborted(this.#signal, "the sync");
    const action = element.action;
    if (!needsObject(element)) {
      this.#logUnchanged(element);
      this.#advance(element.size);
      return false;
    }
    const modelClass = this.#dest.getModelClass(element.type);
    const uid = this.#uidOf(element);
    const found = await this.#find(modelClass, element.type, uid);
    if (action === "delete" && found !== undefined && this.#repair.moved(element.type, uid)) return this.#unlinkMoved(element, found, parent);
    const applied = this.#adopts(element, action, uid, found, parent) ? "update" : action;
    const foundFlags = found === undefined ? 0 : flagsOf(found);
    const childrenFirst =
      action === "delete" && hasFlag(foundFlags, ModelFlags.NATURAL_DELETION_ORDER) && !hasFlag(foundFlags, ModelFlags.SKIP_CHILDREN_ON_DELETE);
    // The destination object whose child list this element's children change; written back once.
    let holder: Parent | undefined = found === undefined ? undefined : { model: found, dirty: false };
    let changed = false;
    let removed = false;
    try {
      if (childrenFirst && holder !== undefined) changed = await this.#syncChildren(element, holder);
      const result = await this.#apply(element, applied, modelClass, uid, found);
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
      if (action !== "delete" && unlistDangling(element, result)) changed = holder.dirty = true;
      if (action === "create") {
        if (applied === "create") {
          await this.#writes.add(result);
          if (parent !== undefined) this.#repair.created(element.type, uid);
        } else {
          await this.#writes.update(result);
        }
        if (parent !== undefined && !parent.model.getChildUids(result.getType()).includes(result.getUniqueId())) {
          parent.model.addChild(result);
          parent.dirty = true;
        }
      } else if (action === "update") {
        await this.#writes.update(result);
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
      if (holder?.dirty === true && !removed) await this.#writes.update(holder.model);
    }
  }

  /** Whether this create adopts a stored child no parent lists (see {@link FamilyRepair.adopts}); logs it. */
  #adopts(element: DiffElement, action: DiffAction | null, uid: string, found: ObjectModel | undefined, parent: Parent | undefined): boolean {
    if (action !== "create" || found === undefined || parent === undefined || !this.#repair.adopts(element.type, uid)) return false;
    if (isLogging("warn")) {
      logEvent("warn", "sync.adopt", this.#fields(element, action, uid),
        `${element.type} ${JSON.stringify(uid)} is stored but no parent lists it (an interrupted sync?): updated and linked into ${String(parent.model)}`);
    }
    return true;
  }

  /** The delete under its old parent of a child adopted under a new one (see {@link FamilyRepair.moved}): unlisted only. */
  #unlinkMoved(element: DiffElement, found: ObjectModel, parent: Parent | undefined): boolean {
    if (parent !== undefined && parent.model.getChildUids(found.getType()).includes(found.getUniqueId())) {
      parent.model.removeChild(found);
      parent.dirty = true;
    }
    this.#log("info", element, "delete", found.getUniqueId(), "success", `${String(found)} moved: unlisted from ${String(parent?.model)}`);
    this.#advance(element.size);
    return true;
  }

  async #syncChildren(element: DiffElement, parent: Parent): Promise<boolean> {
    return this.#syncSiblings(element.getChildren(), parent);
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
    if (hasCustomHook(action, modelClass, found)) {
      // A hook of the user's may read or write the store: it sees every change so far, and
      // whatever was read ahead may be stale after it.
      await this.#writes.flush();
      this.#ahead = new Map();
    }
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

  async #find(modelClass: AnyModelClass, type: string, uid: string): Promise<ObjectModel | undefined> {
    const ahead = this.#ahead.get(type);
    if (ahead?.has(uid) === true && !this.#writes.has(type, uid)) return ahead.get(uid);
    await this.#writes.flush();
    try {
      return await this.#dest.store.get(modelClass, uid);
    } catch (error) {
      if (error instanceof ObjectNotFound) return undefined;
      throw error;
    }
  }

  /** Removes a deleted object from the store; a delete hook may have removed it already. */
  async #removeFromStore(obj: ObjectModel, removeChildren: boolean): Promise<void> {
    // Without its children, it can wait for the next batch of writes (which tolerates a removed one).
    if (!removeChildren) return this.#writes.remove(obj);
    await this.#writes.flush();
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

/**
 * Whether the hook `action` runs on `modelClass` (or `found`) is the user's own rather than
 * {@link ObjectModel}'s default, which touches nothing but the object.
 */
function hasCustomHook(action: DiffAction, modelClass: AnyModelClass, found: ObjectModel | undefined): boolean {
  if (action === "create") return (modelClass as unknown as HookedClass).create !== ObjectModel.create;
  if (found === undefined) return false;
  return action === "update" ? found.update !== ObjectModel.prototype.update : found.delete !== ObjectModel.prototype.delete;
}

/** Whether syncing `element` looks up its destination object (an unchanged subtree does not). */
function needsObject(element: DiffElement): boolean {
  return element.action !== null || element.hasDiffs(true);
}

function flagsOf(obj: ObjectModel): number {
  return checkModelFlags(obj.getModelFlags(), obj);
}
