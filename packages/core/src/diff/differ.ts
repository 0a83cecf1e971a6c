import { throwIfAborted } from "../errors.js";
import { isLogging, logEvent } from "../logging/logger.js";
import type { Adapter } from "./adapter.js";
import { DiffClassMismatch } from "../object-store/errors.js";
import type { JsonObject, JsonValue } from "../object-store/json.js";
import { schemaOf, type IdentifierValue, type ObjectModel } from "../object-store/model.js";
import type { ModelSchema } from "../object-store/schema.js";
import { DiffElement, sameValue, type DiffContext } from "./diff-element.js";
import type { Diff } from "./diff.js";
import { DiffSyncFlags, ModelFlags, checkModelFlags, hasFlag } from "./flags.js";
import { resolveOptions, type DiffOptions, type DiffSyncProgress } from "./options.js";

/** Child objects fetched per store call while recursing into a parent's children. */
export const CHILD_BATCH = 256;

/**
 * Computes the diff of `source` into `dest` (diffsync's DiffSyncDiffer): the top-level types both
 * adapters declare, in `dest`'s order; objects matched by uid; children recursed into.
 *
 * It streams: each top-level type is read once from each store with `iterate`; a source object is
 * held only until its destination counterpart streams past (then only its differing attributes
 * stay, in the diff), and children are fetched with `getByUids` in batches of `CHILD_BATCH`.
 * Elements keep source order, then the destination-only objects in destination order.
 */
export async function diffAdapters<D extends Diff>(source: Adapter, dest: Adapter, options?: DiffOptions<D>): Promise<D> {
  const { flags, diffClass, onProgress, signal } = resolveOptions(options);
  throwIfAborted(signal, "the diff");
  const context: DiffContext = { sourceName: source.name, destName: dest.name, diffClass };
  const differ = new Differ(source, dest, flags, context, onProgress, signal);
  return (await differ.run()) as D;
}

/** What the top-level walk keeps per uid: the source object until matched, then the element. */
interface Slot {
  src: ObjectModel | undefined;
  element: DiffElement | undefined;
}

class Differ {
  readonly #source: Adapter;
  readonly #dest: Adapter;
  readonly #flags: number;
  readonly #context: DiffContext;
  readonly #onProgress: DiffSyncProgress | undefined;
  readonly #signal: AbortSignal | undefined;
  #done = 0;
  #total = 0;

  constructor(
    source: Adapter,
    dest: Adapter,
    flags: number,
    context: DiffContext,
    onProgress: DiffSyncProgress | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#source = source;
    this.#dest = dest;
    this.#flags = flags;
    this.#context = context;
    this.#onProgress = onProgress;
    this.#signal = signal;
  }

  async run(): Promise<Diff> {
    this.#total = (await this.#source.size()) + (await this.#dest.size());
    const fields = { src: this.#source.name, dst: this.#dest.name, flags: this.#flags, total: this.#total };
    logEvent("info", "diff.start", fields, `Diff ${this.#source.name} -> ${this.#dest.name}: ${this.#total} objects`);
    const diff = new this.#context.diffClass();
    const sourceTypes = this.#source.topLevel;
    const destTypes = this.#dest.topLevel;
    // Types on one side only are not compared: count their objects as skipped.
    for (const [adapter, type] of [
      ...destTypes.filter((t) => !sourceTypes.includes(t)).map((t) => [this.#dest, t] as const),
      ...sourceTypes.filter((t) => !destTypes.includes(t)).map((t) => [this.#source, t] as const),
    ]) {
      const count = await adapter.count(type);
      diff.skipped += count;
      this.#advance(count);
    }
    for (const type of destTypes.filter((t) => sourceTypes.includes(t))) await this.#diffTopLevel(type, diff);
    await diff.complete();
    if (this.#done !== this.#total) this.#onProgress?.("diff", (this.#done = this.#total), this.#total);
    if (isLogging("info")) {
      logEvent("info", "diff.complete", { ...fields, summary: diff.summary() }, `Diff ${this.#source.name} -> ${this.#dest.name} complete`);
    }
    return diff;
  }

  /** One top-level type: one pass over each store, matched by uid as the destination streams. */
  async #diffTopLevel(type: string, diff: Diff): Promise<void> {
    const slots = new Map<string, Slot>();
    for await (const src of this.#source.iterate(type)) {
      throwIfAborted(this.#signal, "the diff");
      slots.set(src.getUniqueId(), { src, element: undefined });
    }
    const skip = (): void => void (diff.skipped += 1);
    for await (const dst of this.#dest.iterate(type)) {
      const uid = dst.getUniqueId();
      const slot = slots.get(uid);
      if (slot === undefined) {
        slots.set(uid, { src: undefined, element: await this.#diffPair(undefined, dst, skip) });
        continue;
      }
      slot.element = await this.#diffPair(slot.src, dst, skip);
      slot.src = undefined;
    }
    for (const slot of slots.values()) {
      if (slot.src !== undefined) slot.element = await this.#diffPair(slot.src, undefined, skip);
      if (slot.element !== undefined) diff.add(slot.element);
    }
  }

  /** The element of one object (or matched pair), its children included; undefined when a flag skips it. */
  async #diffPair(src: ObjectModel | undefined, dst: ObjectModel | undefined, skip: () => void): Promise<DiffElement | undefined> {
    const obj = (src ?? dst) as ObjectModel;
    if (src !== undefined && dst !== undefined) checkPair(src, dst);
    const reason = this.#skipReason(src, dst);
    if (reason !== undefined) {
      if (isLogging("debug")) logEvent("debug", "diff.skip", { model: obj.getType(), uid: obj.getUniqueId(), reason }, `Skipping ${String(obj)}: ${reason}`);
      skip();
      this.#advance(1);
      return undefined;
    }
    const identifiers = obj.getIdentifiers() as Record<string, IdentifierValue>;
    const element = new DiffElement(obj.getType(), obj.getShortname(), identifiers, this.#context);
    if (src !== undefined && dst !== undefined) {
      const [plus, minus] = differingAttrs(src, dst);
      element.setAttrs(plus, minus);
    } else {
      element.setAttrs(src?.getAttrs() as JsonObject | undefined, dst?.getAttrs() as JsonObject | undefined);
    }
    this.#advance((src === undefined ? 0 : 1) + (dst === undefined ? 0 : 1));
    await this.#diffChildren(element, src, dst);
    return element;
  }

  #skipReason(src: ObjectModel | undefined, dst: ObjectModel | undefined): string | undefined {
    const srcFlags = src === undefined ? 0 : checkModelFlags(src.getModelFlags(), src);
    const dstFlags = dst === undefined ? 0 : checkModelFlags(dst.getModelFlags(), dst);
    if (dst === undefined && hasFlag(this.#flags, DiffSyncFlags.SKIP_UNMATCHED_SRC)) return "unmatched source object (SKIP_UNMATCHED_SRC)";
    if (src === undefined && hasFlag(this.#flags, DiffSyncFlags.SKIP_UNMATCHED_DST)) return "unmatched destination object (SKIP_UNMATCHED_DST)";
    if (dst === undefined && hasFlag(srcFlags, ModelFlags.SKIP_UNMATCHED_SRC)) return "unmatched source object (model SKIP_UNMATCHED_SRC)";
    if (src === undefined && hasFlag(dstFlags, ModelFlags.SKIP_UNMATCHED_DST)) return "unmatched destination object (model SKIP_UNMATCHED_DST)";
    if (hasFlag(srcFlags, ModelFlags.IGNORE)) return "IGNORE flag on the source object";
    if (hasFlag(dstFlags, ModelFlags.IGNORE)) return "IGNORE flag on the destination object";
    return undefined;
  }

  /**
   * Diffs the children of a pair, type by type: the child types that the model classes of both
   * adapters declare for this type (for an object on one side only, its class and the other
   * adapter's class of the same type). Children of a type only one side declares are skipped.
   */
  async #diffChildren(element: DiffElement, src: ObjectModel | undefined, dst: ObjectModel | undefined): Promise<void> {
    const srcSchema = src === undefined ? declaredSchema(this.#source, element.type) : schemaOf(src);
    const dstSchema = dst === undefined ? declaredSchema(this.#dest, element.type) : schemaOf(dst);
    const srcTypes = [...(srcSchema ?? dstSchema)!.children.keys()];
    const dstTypes = [...(dstSchema ?? srcSchema)!.children.keys()];
    const childTypes = srcTypes.filter((type) => dstTypes.includes(type));
    let unshared = 0;
    for (const type of srcTypes) if (src !== undefined && !dstTypes.includes(type)) unshared += src.getChildUids(type).length;
    for (const type of dstTypes) if (dst !== undefined && !srcTypes.includes(type)) unshared += dst.getChildUids(type).length;
    if (unshared > 0) {
      element.childDiff.skipped += unshared;
      this.#advance(unshared);
    }
    const skip = (): void => void (element.childDiff.skipped += 1);
    for (const type of childTypes) {
      const srcUids = src?.getChildUids(type) ?? [];
      const dstUids = dst?.getChildUids(type) ?? [];
      if (srcUids.length === 0 && dstUids.length === 0) continue;
      const inSrc = new Set(srcUids);
      const inDst = new Set(dstUids);
      const uids = [...srcUids, ...dstUids.filter((uid) => !inSrc.has(uid))];
      for (let start = 0; start < uids.length; start += CHILD_BATCH) {
        const batch = uids.slice(start, start + CHILD_BATCH);
        const srcBatch = batch.filter((uid) => inSrc.has(uid));
        const dstBatch = batch.filter((uid) => inDst.has(uid));
        const srcObjs = srcBatch.length === 0 ? [] : await this.#source.getByUids(srcBatch, type);
        const dstObjs = dstBatch.length === 0 ? [] : await this.#dest.store.findMany(dstBatch, type);
        const srcByUid = new Map(srcObjs.map((obj, index) => [srcBatch[index] as string, obj]));
        const dstByUid = new Map<string, ObjectModel>();
        dstObjs.forEach((obj, index) => {
          const uid = dstBatch[index] as string;
          if (obj !== undefined) dstByUid.set(uid, obj);
          else danglingChild(element, dst as ObjectModel, type, uid, inSrc.has(uid));
        });
        for (const uid of batch) {
          const srcChild = srcByUid.get(uid);
          const dstChild = dstByUid.get(uid);
          // A dangling reference with no source counterpart has no element: nothing to compare.
          if (srcChild === undefined && dstChild === undefined) continue;
          const child = await this.#diffPair(srcChild, dstChild, skip);
          if (child !== undefined) element.addChild(child);
        }
      }
    }
  }

  #advance(count: number): void {
    throwIfAborted(this.#signal, "the diff");
    if (count === 0) return;
    this.#done += count;
    this.#onProgress?.("diff", this.#done, this.#total);
  }
}

/**
 * A destination parent lists a child that is not stored: what an interrupted sync leaves when the
 * parent's write landed and the child's did not (a crash between two batches, or between two
 * shards of one). Not an error, or no later sync could repair it: the child counts as absent from
 * the destination, so a source child of that uid is created (the parent lists it already); a
 * reference with no source counterpart is recorded on the parent's element, and a sync takes it
 * off the parent's list.
 */
function danglingChild(element: DiffElement, parent: ObjectModel, type: string, uid: string, inSource: boolean): void {
  if (!inSource) element.addDanglingChild(type, uid);
  if (!isLogging("warn")) return;
  const fate = inSource ? "it will be created" : "a sync unlists it";
  logEvent("warn", "diff.dangling-child", { parent: String(parent), model: type, uid, inSource },
    `${String(parent)} lists ${type} ${JSON.stringify(uid)}, which is not stored: ${fate}`);
}

/** The schema of the class `adapter` declares for `type`, if it declares one. */
function declaredSchema(adapter: Adapter, type: string): ModelSchema | undefined {
  return adapter.models.map((model) => schemaOf(model)).find((schema) => schema.type === type);
}

const NOTHING: JsonObject = Object.freeze({}) as JsonObject;

/**
 * The source and destination values of the attributes both classes declare whose values differ
 * (destination order). Reads fields directly rather than copying both attribute sets: this runs
 * for every matched pair.
 */
function differingAttrs(src: ObjectModel, dst: ObjectModel): [JsonObject, JsonObject] {
  const srcAttributes = schemaOf(src).attributes;
  const srcFields = src as unknown as JsonObject;
  const dstFields = dst as unknown as JsonObject;
  let plus: JsonObject | undefined;
  let minus: JsonObject | undefined;
  for (const field of schemaOf(dst).attributes) {
    if (!srcAttributes.includes(field) || sameValue(srcFields[field], dstFields[field])) continue;
    (plus ??= {})[field] = srcFields[field] as JsonValue;
    (minus ??= {})[field] = dstFields[field] as JsonValue;
  }
  return [plus ?? NOTHING, minus ?? NOTHING];
}

/**
 * A matched pair must describe the same object: same identifier values (not only the same uid:
 * `1` and `"1"` join alike) and the same shortname. Reads fields directly: this runs per pair.
 */
function checkPair(src: ObjectModel, dst: ObjectModel): void {
  const srcSchema = schemaOf(src);
  const dstSchema = schemaOf(dst);
  const srcFields = src as unknown as Record<string, unknown>;
  const dstFields = dst as unknown as Record<string, unknown>;
  const sameIds =
    srcSchema.identifiers.length === dstSchema.identifiers.length &&
    srcSchema.identifiers.every((field, index) => field === dstSchema.identifiers[index] && srcFields[field] === dstFields[field]);
  const sameShortname = (srcSchema.shortname.length === 0 && dstSchema.shortname.length === 0) || src.getShortname() === dst.getShortname();
  if (!sameIds || !sameShortname) {
    throw new DiffClassMismatch(
      `${String(dst)}: source and destination disagree on its shortname or identifiers ` +
        `(${JSON.stringify(src.getIdentifiers())} "${src.getShortname()}" vs ${JSON.stringify(dst.getIdentifiers())} "${dst.getShortname()}"); ` +
        "declare the model the same way in both adapters",
    );
  }
}
