import { describe, expect, it } from "vitest";
import {
  DiffClassMismatch,
  InvalidObjectError,
  MemoryStore,
  ObjectAlreadyExists,
  ObjectCrudError,
  ObjectNotCreated,
  ObjectNotDeleted,
  ObjectNotFound,
  ObjectNotUpdated,
  ObjectStoreError,
  ObjectStoreWrongType,
  StowageError,
  defineModel,
} from "../../src/index.js";
import { Device } from "./fixtures.js";

describe("object-store errors", () => {
  it("form one hierarchy with stable codes", () => {
    const r1 = new Device({ name: "r1", site: "a" });
    const cases: [ObjectStoreError, string][] = [
      [new ObjectNotFound("device", "r1"), "E_OBJECT_NOT_FOUND"],
      [new ObjectAlreadyExists(r1, r1), "E_OBJECT_EXISTS"],
      [new ObjectStoreWrongType("x"), "E_OBJECT_WRONG_TYPE"],
      [new InvalidObjectError("x"), "E_OBJECT_INVALID"],
      [new ObjectNotCreated("x"), "E_OBJECT_NOT_CREATED"],
      [new ObjectNotUpdated("x"), "E_OBJECT_NOT_UPDATED"],
      [new ObjectNotDeleted("x"), "E_OBJECT_NOT_DELETED"],
      [new DiffClassMismatch("x"), "E_DIFF_CLASS_MISMATCH"],
      [new ObjectStoreError("x"), "E_OBJECT_STORE"],
    ];
    for (const [error, code] of cases) {
      expect(error).toBeInstanceOf(StowageError);
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
    }
    for (const error of [new ObjectNotCreated("x"), new ObjectNotUpdated("x"), new ObjectNotDeleted("x")]) {
      expect(error).toBeInstanceOf(ObjectCrudError);
    }
    expect(new ObjectNotCreated("x", { cause: 42 }).cause).toBe(42);
  });

  it("ObjectAlreadyExists carries the stored object as existing and the refused one as incoming", async () => {
    const store = new MemoryStore();
    const stored = new Device({ name: "r1", site: "a" });
    const incoming = new Device({ name: "r1", site: "b" });
    await store.add(stored);
    const error = await store.add(incoming).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ObjectAlreadyExists);
    expect((error as ObjectAlreadyExists).existing).toBe(stored);
    expect((error as ObjectAlreadyExists).incoming).toBe(incoming);
    expect((error as Error).message).toBe('device "r1" already exists with different data');
  });

  it("a type name registered with one class refuses another", async () => {
    const store = new MemoryStore({ models: [Device] });
    const Impostor = defineModel()({ type: "device", identifiers: ["name"] });
    await expect(store.add(new Impostor({ name: "x" }))).rejects.toThrow(/already registered with class/);
    await expect(store.get(Impostor, "x")).rejects.toThrow(InvalidObjectError);
    expect(await store.count()).toBe(0);
    // Right after the store resolved the registered class (and a type name), still refused.
    expect(await store.count(Device)).toBe(0);
    await expect(store.count(Impostor)).rejects.toThrow(/already registered with class/);
    expect(await store.count("device")).toBe(0);
    await expect(store.getAll(new Impostor({ name: "x" }))).rejects.toThrow(/already registered with class/);
    await expect(store.get(Impostor, { name: "x" })).rejects.toThrow(/already registered with class/);
  });
});
