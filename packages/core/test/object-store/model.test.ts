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
