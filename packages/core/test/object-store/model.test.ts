import { describe, expect, it } from "vitest";
import {
  InvalidObjectError,
  ModelRegistry,
  ObjectAlreadyExists,
  ObjectNotFound,
  ObjectStoreWrongType,
  defineModel,
  type ModelDeclaration,
} from "../../src/index.js";
import { Device, Interface } from "./fixtures.js";

describe("models", () => {
  it("types fields, constructor and getters from the declaration", () => {
    const eth0 = new Interface({ device: "r1", name: "eth0", description: "uplink" });
    expect(eth0.getType()).toBe("interface");
    expect(eth0.getUniqueId()).toBe("r1__eth0");
    expect(eth0.getShortname()).toBe("eth0");
    expect(eth0.getIdentifiers()).toEqual({ device: "r1", name: "eth0" });
    expect(eth0.getAttrs()).toEqual({ description: "uplink", mtu: 1500 });
    const mtu: number = eth0.mtu;
    expect(mtu).toBe(1500);
    // @ts-expect-error identifiers are read-only
    eth0.name = "eth1";
    // @ts-expect-error a required attribute is missing
    expect(() => new Interface({ device: "r1", name: "eth0" })).toThrow(InvalidObjectError);
    const r1 = new Device({ name: "r1", site: "ams" });
    expect(r1.getShortname()).toBe("r1");
    expect(r1.role).toBeNull();
    expect(r1.interfaces).toEqual([]);
  });

  it("rejects unknown fields and invalid values at construction", () => {
    // @ts-expect-error unknown field
    expect(() => new Device({ name: "r1", site: "ams", colour: "red" })).toThrow(/unknown field 'colour'/);
    expect(() => new Device({ name: { x: 1 } as unknown as string, site: "ams" })).toThrow(/identifier 'name'/);
    expect(() => new Device({ name: "r1", site: new Date() as unknown as string })).toThrow(/Date/);
    expect(() => new Device({ name: "r1", site: "ams", interfaces: [1] as unknown as string[] })).toThrow(/array of uids/);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => new Device({ name: "r1", site: "ams", role: [1, , 3] as unknown as string })).toThrow(/'role'\[1\] is of type undefined/);
  });

  it("validates declarations", () => {
    const bad: [ModelDeclaration, RegExp][] = [
      [{ type: "", identifiers: [] }, /non-empty string 'type'/],
      [{ type: "x", identifiers: ["a"], attributes: ["a"] }, /both an identifier and an attribute/],
      [{ type: "x", identifiers: ["a"], children: { y: "a" } }, /both an identifier and a child field/],
      [{ type: "x", identifiers: ["a"], attributes: ["b"], children: { y: "b" } }, /both an attribute and a child field/],
      [{ type: "x", identifiers: ["a", "a"] }, /both an identifier and an identifier/],
      [{ type: "x", identifiers: ["a"], atributes: ["b"] } as ModelDeclaration, /unknown declaration key 'atributes'/],
      [{ type: "x", identifiers: ["getType"] }, /reserved/],
      [{ type: "x", identifiers: ["update"] }, /reserved/],
      [{ type: "x", identifiers: ["a"], shortname: ["b"] }, /shortname field 'b'/],
      [{ type: "x", identifiers: ["a"], defaults: { a: 1 } }, /not an attribute/],
      [{ type: "x", identifiers: ["a"], attributes: ["b"], defaults: { b: Number.NaN } }, /NaN/],
    ];
    for (const [declaration, message] of bad) {
      expect(() => defineModel()(declaration as never), message.source).toThrow(message);
      expect(() => defineModel()(declaration as never)).toThrow(InvalidObjectError);
    }
  });

  it("rejects a field that would hide a method of the subclass when registered", () => {
    class Hiding extends defineModel()({ type: "hiding", identifiers: ["label"] }) {
      // @ts-expect-error the type system already refuses this; the registry refuses it at run time too
      label(): string {
        return "method";
      }
    }
    expect(() => new ModelRegistry().register(Hiding)).toThrow(/hide/);
  });

  it("adds and removes children with typed errors", () => {
    const r1 = new Device({ name: "r1", site: "ams" });
    const eth0 = new Interface({ device: "r1", name: "eth0", description: "" });
    r1.addChild(eth0);
    expect(r1.interfaces).toEqual(["r1__eth0"]);
    expect(r1.getChildUids("interface")).toEqual(["r1__eth0"]);
    const again = (() => {
      try {
        r1.addChild(eth0);
      } catch (error) {
        return error;
      }
    })();
    expect(again).toBeInstanceOf(ObjectAlreadyExists);
    expect((again as ObjectAlreadyExists).incoming).toBe(eth0);
    expect(String((again as Error).message)).toContain('interface "r1__eth0" is already a child of device "r1"');
    expect(() => r1.addChild(new Device({ name: "r2", site: "x" }))).toThrow(ObjectStoreWrongType);
    expect(() => eth0.addChild(r1)).toThrow(/has no children of type 'device'/);
    r1.removeChild(eth0);
    expect(r1.interfaces).toEqual([]);
    expect(() => r1.removeChild(eth0)).toThrow(ObjectNotFound);
    expect(() => r1.removeChild(r1)).toThrow(ObjectStoreWrongType);
  });

  it("round-trips through plain JSON and a registry", () => {
    const registry = new ModelRegistry();
    registry.register(Device, Interface);
    const r1 = new Device({ name: "r1", site: "ams", role: "core", interfaces: ["r1__eth0"] });
    const text = JSON.stringify(r1);
    expect(JSON.parse(text)).toEqual({ type: "device", fields: { name: "r1", site: "ams", role: "core", interfaces: ["r1__eth0"] } });
    const back = registry.fromJSON(JSON.parse(text));
    expect(back).toBeInstanceOf(Device);
    expect(back.hasSameData(r1)).toBe(true);
    expect(() => registry.fromJSON({ type: "nope", fields: {} })).toThrow(/not registered/);
  });

  it("refuses to serialise a value assigned after construction that JSON would change", () => {
    const r1 = new Device({ name: "r1", site: "ams" });
    (r1 as { role: unknown }).role = undefined;
    expect(() => r1.toJSON()).toThrow(/'role' is of type undefined/);
    (r1 as { role: unknown }).role = { when: new Date(0) };
    expect(() => r1.toJSON()).toThrow(/'role'.when is a Date/);
  });

  it("builds the uid again when an identifier changes after the uid was read", () => {
    const eth0 = new Interface({ device: "r1", name: "eth0", description: "" });
    const first = eth0.getUniqueId();
    expect(eth0.getUniqueId()).toBe(first);
    (eth0 as { name: string }).name = "eth1";
    expect(eth0.getUniqueId()).toBe("r1__eth1");
    (eth0 as { device: string }).device = "r1__core";
    expect(eth0.getUniqueId()).toBe("r1\\_\\_core__eth1");
    (eth0 as { device: string; name: string }).device = "r1";
    (eth0 as { name: string }).name = "eth0";
    expect(eth0.getUniqueId()).toBe(first);
    (eth0 as { name: unknown }).name = 7;
    expect(eth0.getUniqueId()).toBe("r1__7");
    (eth0 as { name: unknown }).name = "7";
    expect(eth0.getUniqueId()).toBe("r1__7");
  });

  it("checks JSON the same way on its quick path: deep values pass, cycles, holes and class instances fail", () => {
    const r1 = new Device({ name: "r1", site: "ams" });
    let deep: unknown = "leaf";
    for (let level = 0; level < 200; level++) deep = level % 2 === 0 ? [deep] : { next: deep };
    (r1 as { role: unknown }).role = deep;
    expect(r1.toJSON().fields.role).toBe(deep);
    let deepBad: unknown = Number.NaN;
    for (let level = 0; level < 200; level++) deepBad = [deepBad];
    (r1 as { role: unknown }).role = deepBad;
    expect(() => r1.toJSON()).toThrow(/is NaN/);
    (r1 as { role: unknown }).role = { a: "x", b: undefined };
    expect(() => r1.toJSON()).toThrow(/'role'.b is of type undefined/);
    const cyclic: Record<string, unknown> = { a: [1, 2] };
    (cyclic.a as unknown[]).push(cyclic);
    (r1 as { role: unknown }).role = cyclic;
    expect(() => r1.toJSON()).toThrow(/'role'.a\[2\] refers back to itself/);
    (r1 as { role: unknown }).role = { ok: [true, null, "x", 1.5], bad: [1, Number.POSITIVE_INFINITY] };
    expect(() => r1.toJSON()).toThrow(/'role'.bad\[1\] is Infinity/);
    (r1 as { role: unknown }).role = { list: new Array(2) };
    expect(() => r1.toJSON()).toThrow(/'role'.list\[0\] is of type undefined/);
    (r1 as { role: unknown }).role = [{ when: new Map() }];
    expect(() => r1.toJSON()).toThrow(/'role'\[0\].when is a Map/);
    (r1 as { role: unknown }).role = Object.assign(Object.create(null) as object, { plain: { too: 1 } });
    expect(() => r1.toJSON()).not.toThrow();
  });

  it("counts only an object's own keys, as JSON.stringify does, even with an enumerable key inherited from Object.prototype", () => {
    const r1 = new Device({ name: "r1", site: "ams", role: "core" });
    (r1 as { role: unknown }).role = { own: 1 };
    let stored: unknown;
    Object.defineProperty(Object.prototype, "inheritedForTest", { value: () => 0, enumerable: true, configurable: true, writable: true });
    try {
      stored = JSON.stringify(r1.toJSON().fields.role);
    } finally {
      delete (Object.prototype as Record<string, unknown>).inheritedForTest;
    }
    expect(stored).toBe('{"own":1}');
  });

  it("setAttrs sets only attributes, all or nothing", () => {
    const r1 = new Device({ name: "r1", site: "ams" });
    expect(() => r1.setAttrs({ role: "edge", name: "x" } as never)).toThrow(/'name' is not an attribute/);
    expect(r1.role).toBeNull();
    r1.setAttrs({ role: "edge" });
    expect(r1.role).toBe("edge");
  });
});

describe("defineModel typing", () => {
  it("requires every field of the fields type to be declared", () => {
    interface Fields {
      a: string;
      b: number;
    }
    // @ts-expect-error 'b' is not declared
    const Partial = defineModel<Fields>()({ type: "partial", identifiers: ["a"] });
    expect(Partial.schema.fields).toEqual(new Set(["a"]));
    // @ts-expect-error 'c' is not a field
    expect(() => defineModel<Fields>()({ type: "t", identifiers: ["a", "c"], attributes: ["b"] })).not.toThrow();
  });
});
