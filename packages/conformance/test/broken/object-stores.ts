import { ObjectAlreadyExists, ObjectNotFound, type ModelRef, type ObjectModel } from "@stowage/core";
import { JsonStore } from "../object-store/json-store.js";

/*
 * Object stores that override the public bulk methods (as an adapter with its own batched queries
 * does) and each break one promise of them: issue 21's cases, which passed describeObjectStore.
 */

/** Its own addMany: adds what it can, then names the last refused object, not the first. */
export class LastConflictStore extends JsonStore {
  override async addMany(objs: readonly ObjectModel[]): Promise<void> {
    try {
      await super.addMany(objs);
    } catch (error) {
      if (!(error instanceof ObjectAlreadyExists)) throw error;
      for (const obj of [...objs].reverse()) {
        const [stored] = await this.getMany(obj.getType(), [obj.getUniqueId()]);
        if (stored !== undefined && !stored.hasSameData(obj)) throw new ObjectAlreadyExists(stored, obj);
      }
      throw error;
    }
  }
}

/** Its own removeMany: removes what it can, then names the last missing object, not the first. */
export class LastMissingStore extends JsonStore {
  override async removeMany(objs: readonly ObjectModel[]): Promise<void> {
    const missing: ObjectModel[] = [];
    try {
      for (const obj of objs) if ((await this.getMany(obj.getType(), [obj.getUniqueId()]))[0] === undefined) missing.push(obj);
    } catch {
      return super.removeMany(objs); // not models: its InvalidObjectError
    }
    try {
      await super.removeMany(objs);
    } catch (error) {
      const last = missing.at(-1);
      if (!(error instanceof ObjectNotFound) || last === undefined) throw error;
      throw new ObjectNotFound(last.getType(), last.getUniqueId());
    }
  }
}

/** Its own findMany: `null` where an object is missing (a SQL row that was not there). */
export class NullFindStore extends JsonStore {
  override async findMany<M extends ModelRef>(uids: readonly string[], model: M) {
    return (await super.findMany(uids, model)).map((obj) => obj ?? (null as unknown as undefined));
  }
}

/** Its own findMany: rebuilds each object from a stored row whose identifiers are still URL-escaped. */
export class EscapedFindStore extends JsonStore {
  override async findMany<M extends ModelRef>(uids: readonly string[], model: M) {
    const found = await super.findMany(uids, model);
    return found.map((each) => {
      if (each === undefined) return each;
      const obj = each as ObjectModel;
      const ids = Object.fromEntries(Object.entries(obj.getIdentifiers()).map(([key, value]) => [key, typeof value === "string" ? encodeURIComponent(value) : value]));
      const Model = obj.constructor as new (init: object) => typeof each;
      return new Model({ ...obj.getAttrs(), ...ids });
    });
  }
}
