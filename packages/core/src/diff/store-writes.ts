import type { BaseStore } from "../object-store/base-store.js";
import { isStowageError } from "../errors.js";
import type { ObjectModel } from "../object-store/model.js";

/** One collected store write. */
interface Write {
  kind: "add" | "update" | "remove";
  obj: ObjectModel;
}

/**
 * The sync engine's store writes, collected and sent with the store's bulk methods (`addMany`,
 * `updateMany`, `removeMany`), at the latest when `limit` are waiting. Writes of distinct objects
 * commute, so a flush sends each segment of writes with no object twice as one call per kind; an
 * object written again starts a new segment, and an `update` of the very instance whose `add` or
 * `update` is waiting is dropped (the waiting write stores its state as it is at the flush). A
 * remove of an object that is already gone is not an error (a delete hook may have removed it).
 */
export class StoreWrites {
  readonly #store: BaseStore;
  readonly #limit: number;
  #writes: Write[] = [];
  /** `type\0uid` -> the last waiting write of that object. */
  #last = new Map<string, Write>();

  readonly #onWritten: (type: string, uid: string) => void;

  /** `onWritten` is told each object a flush writes (before it is sent), say to forget a cached read of it. */
  constructor(store: BaseStore, limit: number, onWritten: (type: string, uid: string) => void = () => undefined) {
    this.#store = store;
    this.#limit = limit;
    this.#onWritten = onWritten;
  }

  /** Whether a write of this object is waiting. */
  has(type: string, uid: string): boolean {
    return this.#last.has(keyOf(type, uid));
  }

  /** Collects an `add`. */
  add(obj: ObjectModel): Promise<void> {
    return this.#push("add", obj);
  }

  /** Collects an `update`. */
  update(obj: ObjectModel): Promise<void> {
    return this.#push("update", obj);
  }

  /** Collects a `remove` (without children). */
  remove(obj: ObjectModel): Promise<void> {
    return this.#push("remove", obj);
  }

  /** Sends every waiting write; the first failure rejects (the writes are dropped either way). */
  async flush(): Promise<void> {
    const writes = this.#writes;
    this.#writes = [];
    this.#last = new Map();
    let segment: Segment = newSegment();
    for (const write of writes) {
      this.#onWritten(write.obj.getType(), write.obj.getUniqueId());
      const key = keyOf(write.obj.getType(), write.obj.getUniqueId());
      if (segment.keys.has(key)) {
        await this.#send(segment);
        segment = newSegment();
      }
      segment.keys.add(key);
      segment[write.kind].push(write.obj);
    }
    await this.#send(segment);
  }

  async #send(segment: Segment): Promise<void> {
    if (segment.add.length > 0) await this.#store.addMany(segment.add);
    if (segment.update.length > 0) await this.#store.updateMany(segment.update);
    if (segment.remove.length > 0) await this.#store.removeMany(segment.remove).catch(ignoreNotFound);
  }

  async #push(kind: Write["kind"], obj: ObjectModel): Promise<void> {
    const key = keyOf(obj.getType(), obj.getUniqueId());
    const last = this.#last.get(key);
    if (kind === "update" && last !== undefined && last.obj === obj && last.kind !== "remove") return;
    const write = { kind, obj };
    this.#writes.push(write);
    this.#last.set(key, write);
    if (this.#writes.length >= this.#limit) await this.flush();
  }
}

/** Writes of distinct objects, by kind. */
interface Segment {
  keys: Set<string>;
  add: ObjectModel[];
  update: ObjectModel[];
  remove: ObjectModel[];
}

function newSegment(): Segment {
  return { keys: new Set(), add: [], update: [], remove: [] };
}

function keyOf(type: string, uid: string): string {
  return `${type}\u0000${uid}`;
}

function ignoreNotFound(error: unknown): void {
  if (!isStowageError(error, "E_OBJECT_NOT_FOUND")) throw error;
}
