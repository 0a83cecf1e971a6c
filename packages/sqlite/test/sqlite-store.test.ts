import { existsSync, writeFileSync } from "node:fs";
import { defineModel, isStowageError } from "@stowage/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, SQLiteStore } from "../src/index.js";
import { tempDb } from "./temp-file.js";

class Item extends defineModel<{ id: string; value: number }>()({ type: "item", identifiers: ["id"], attributes: ["value"] }) {}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => "resolved", (error: unknown) => error);
}

describe("SQLiteStore", () => {
  it("keeps one JSON row per object, never pickle, and a schema version in the file", async () => {
    const path = tempDb();
    const store = new SQLiteStore({ path, storeId: "a" });
    await store.add(new Item({ id: "1", value: 7 }));
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    const { data } = raw.prepare("SELECT data FROM stowage_objects").get() as { data: string };
    raw.close();
    expect(JSON.parse(data)).toMatchObject({ type: "item", fields: { id: "1", value: 7 } });
  });

  it("refuses a file of a newer schema version with E_OBJECT_STORE, changing nothing", () => {
    const path = tempDb();
    new SQLiteStore({ path }).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    let error: unknown;
    try {
      new SQLiteStore({ path });
    } catch (caught) {
      error = caught;
    }
    expect(isStowageError(error, "E_OBJECT_STORE")).toBe(true);
    expect(String(error)).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    const after = new Database(path, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it("refuses a file that is not a database, and bad options, with E_OBJECT_STORE", () => {
    const path = `${tempDb()}.txt`;
    writeFileSync(path, "this is a text file, not a SQLite database ".repeat(100));
    expect(() => new SQLiteStore({ path })).toThrow(expect.objectContaining({ code: "E_OBJECT_STORE" }));
    expect(() => new SQLiteStore({ path: "" })).toThrow(expect.objectContaining({ code: "E_OBJECT_STORE" }));
    expect(() => new SQLiteStore({ path, busyTimeoutMs: -1 })).toThrow(expect.objectContaining({ code: "E_OBJECT_STORE" }));
  });

  it("namespaces datasets by storeId in one file", async () => {
    const path = tempDb();
    const a = new SQLiteStore({ path, storeId: "a", models: [Item] });
    const b = new SQLiteStore({ path, storeId: "b", models: [Item] });
    await a.add(new Item({ id: "1", value: 1 }));
    await b.add(new Item({ id: "1", value: 2 }));
    await b.add(new Item({ id: "2", value: 3 }));
    expect(await a.count()).toBe(1);
    expect(await b.count()).toBe(2);
    expect((await a.get(Item, "1")).value).toBe(1);
    await b.remove(await b.get(Item, "1"));
    expect((await a.get(Item, "1")).value).toBe(1);
    expect([...(await a.getAllModelNames())]).toEqual(["item"]);
    await Promise.all([a.close(), b.close()]);
  });

  it("after close(), every call rejects with E_OBJECT_STORE and the file is released", async () => {
    const path = tempDb();
    const store = new SQLiteStore({ path, models: [Item] });
    await store.add(new Item({ id: "1", value: 1 }));
    await store.getAll(Item);
    await store.close();
    await store.close();
    for (const call of [store.get(Item, "1"), store.add(new Item({ id: "2", value: 2 })), store.count(), store.getAll(Item), store.transaction(() => 1)]) {
      expect(isStowageError(await rejection(call), "E_OBJECT_STORE")).toBe(true);
    }
    // The last connection's close checkpoints the WAL into the file and deletes it.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it("transaction() commits what it wrote when it resolves, and rolls it all back when it rejects", async () => {
    const path = tempDb();
    const store = new SQLiteStore({ path, storeId: "t", models: [Item] });
    const other = new SQLiteStore({ path, storeId: "t", models: [Item] });
    const failure = new Error("cut");
    expect(await rejection(store.transaction(async () => {
      await store.addMany([new Item({ id: "1", value: 1 }), new Item({ id: "2", value: 2 })]);
      expect(await store.count()).toBe(2);
      throw failure;
    }))).toBe(failure);
    expect(await store.count()).toBe(0);
    expect(await store.transaction(async () => {
      await store.add(new Item({ id: "3", value: 3 }));
      // Another connection sees nothing before the commit.
      expect(await other.count()).toBe(0);
      return "done";
    })).toBe("done");
    expect(await other.count()).toBe(1);
    await Promise.all([store.close(), other.close()]);
  });

  it("commitTogether() commits what it wrote when it settles, also when it rejects; inside transaction() it joins it", async () => {
    const path = tempDb();
    const store = new SQLiteStore({ path, storeId: "c", models: [Item] });
    const other = new SQLiteStore({ path, storeId: "c", models: [Item] });
    expect(await store.commitTogether(async () => {
      await store.addMany([new Item({ id: "1", value: 1 }), new Item({ id: "2", value: 2 })]);
      await store.update(new Item({ id: "1", value: 10 }));
      // Its own reads see its writes; another connection sees none of them before the commit.
      expect(await store.count()).toBe(2);
      expect(await other.count()).toBe(0);
      return "done";
    })).toBe("done");
    expect((await other.get(Item, "1")).value).toBe(10);
    const failure = new Error("hook failed");
    expect(await rejection(store.commitTogether(async () => {
      await store.add(new Item({ id: "3", value: 3 }));
      throw failure;
    }))).toBe(failure);
    expect(await other.count()).toBe(3);
    // Nested in transaction(), it is part of it: the outer rollback takes its writes too.
    expect(await rejection(store.transaction(async () => {
      await store.commitTogether(() => store.add(new Item({ id: "4", value: 4 })));
      throw failure;
    }))).toBe(failure);
    expect(await other.count()).toBe(3);
    await other.close();
    await store.close();
    expect(isStowageError(await rejection(store.commitTogether(async () => 1)), "E_OBJECT_STORE")).toBe(true);
  });

  it("a bulk write is one transaction: addMany of an invalid object stores none of them", async () => {
    const store = new SQLiteStore({ path: tempDb(), models: [Item] });
    const bad = new Item({ id: "2", value: 2 });
    (bad as unknown as { value: unknown }).value = Symbol("not json");
    expect(isStowageError(await rejection(store.addMany([new Item({ id: "1", value: 1 }), bad])), "E_OBJECT_INVALID")).toBe(true);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it("addMany in chunks of 100 rows: a chunk holding a stored uid or a repeat falls back to row by row, each object answered", async () => {
    const store = new SQLiteStore({ path: tempDb(), models: [Item] });
    await store.add(new Item({ id: "150", value: -1 }));
    const objs = Array.from({ length: 250 }, (_, i) => new Item({ id: String(i), value: i }));
    // A repeat with the same data in the third chunk: a no-op, as add's.
    objs.splice(230, 0, new Item({ id: "220", value: 220 }));
    const error = await rejection(store.addMany(objs));
    expect(isStowageError(error, "E_OBJECT_EXISTS")).toBe(true);
    expect(String(error)).toContain("150");
    expect(await store.count()).toBe(250);
    expect((await store.get(Item, "150")).value).toBe(-1);
    expect((await store.getAll(Item)).map((item) => item.id)).toEqual(["150", ...objs.filter((item, i) => item.id !== "150" && i !== 230).map((item) => item.id)]);
    await store.close();
  });
});
