import { describe, expect, it } from "vitest";
import { Diff, DiffElement, ObjectAlreadyExists, type DiffContext } from "../../src/index.js";

const context: DiffContext = { sourceName: "A", destName: "B", diffClass: Diff };
const element = (type: string, name: string, source?: Record<string, number | string>, dest?: Record<string, number | string>) =>
  new DiffElement(type, name, { name }, context).setAttrs(source, dest);

describe("DiffElement", () => {
  it("derives its action from which sides are present and whether attributes differ", () => {
    expect(element("device", "r1", { a: 1 }).action).toBe("create");
    expect(element("device", "r1", undefined, { a: 1 }).action).toBe("delete");
    expect(element("device", "r1", { a: 1 }, { a: 2 }).action).toBe("update");
    expect(element("device", "r1", { a: 1 }, { a: 1 }).action).toBeNull();
    expect(element("device", "r1").action).toBeNull();
  });

  it("keeps only the attributes both sides declare and whose values differ", () => {
    const e = element("device", "r1", { a: 1, b: 2, onlySource: 3 }, { a: 1, b: 5, onlyDest: 4 });
    expect(e.getAttrsDiffs()).toEqual({ "-": { b: 5 }, "+": { b: 2 } });
    e.getAttrsDiffs()["+"]!.b = 99;
    expect(e.getAttrsDiffs()["+"]).toEqual({ b: 2 });
    expect(element("device", "r1", { a: 1 }).getAttrsDiffs()).toEqual({ "+": { a: 1 } });
    expect(element("device", "r1").getAttrsDiffs()).toEqual({});
  });

  it("reads as diffsync's text and plain forms, with its children", () => {
    const r1 = element("device", "r1", { site: "ams" }, { site: "lon" });
    r1.addChild(element("interface", "eth0", { mtu: 9000 }));
    r1.addChild(element("interface", "eth1", undefined, { mtu: 1500 }));
    r1.addChild(element("interface", "eth2", { mtu: 1 }, { mtu: 1 }));
    expect(r1.str()).toBe(
      ["device: r1", "  site    A(ams)    B(lon)", "  interface", "    interface: eth0 MISSING in B", "    interface: eth1 MISSING in A"].join("\n"),
    );
    expect(r1.toDict()).toEqual({ "-": { site: "lon" }, "+": { site: "ams" }, interface: { eth0: { "+": { mtu: 9000 } }, eth1: { "-": { mtu: 1500 } } } });
    expect(r1.summary()).toEqual({ create: 1, update: 1, delete: 1, "no-change": 1, skip: 0 });
    expect(r1.size).toBe(4);
    expect(element("device", "r2").str()).toBe("device: r2 (no diffs)");
    expect(String(element("device", "r3", { n: 1 }))).toBe('device "r3" : {"name":"r3"} : A → B : {"+":{"n":1}}');
  });
});

describe("Diff", () => {
  it("groups elements by type in order, refusing a second element with the same shortname", () => {
    const diff = new Diff();
    diff.add(element("device", "r1", { a: 1 }));
    diff.add(element("vlan", "10", { a: 1 }, { a: 1 }));
    diff.add(element("device", "r2", undefined, { a: 1 }));
    expect(diff.groups()).toEqual(["device", "vlan"]);
    expect([...diff].map((e) => e.shortname)).toEqual(["r1", "r2", "10"]);
    expect(diff.getElement("device", "r2")?.action).toBe("delete");
    expect(() => diff.add(element("device", "r1"))).toThrow(ObjectAlreadyExists);
    expect(() => diff.add(element("device", "r1"))).toThrow(/device "r1" is already in the diff/);
  });

  it("prints '(no diffs)' and an empty dict when nothing differs, and counts skipped objects", () => {
    const diff = new Diff();
    expect(diff.str()).toBe("(no diffs)");
    diff.add(element("device", "r1", { a: 1 }, { a: 1 }));
    diff.skipped = 2;
    expect(String(diff)).toBe("(no diffs)");
    expect(diff.toDict()).toEqual({});
    expect(diff.hasDiffs()).toBe(false);
    expect(diff.summary()).toEqual({ create: 0, update: 0, delete: 0, "no-change": 1, skip: 2 });
  });

  it("lets a subclass order each type's elements, for iteration and text alike", () => {
    class Descending extends Diff {
      protected override orderChildren(type: string, elements: readonly DiffElement[]): Iterable<DiffElement> {
        return type === "device" ? [...elements].reverse() : elements;
      }
    }
    const diff = new Descending();
    for (const name of ["r1", "r2", "r3"]) diff.add(element("device", name, { a: 1 }));
    expect([...diff].map((e) => e.shortname)).toEqual(["r3", "r2", "r1"]);
    expect(diff.str().split("\n")).toEqual(["device", "  device: r3 MISSING in B", "  device: r2 MISSING in B", "  device: r1 MISSING in B"]);
    expect(Object.keys(diff.toDict().device ?? {})).toEqual(["r3", "r2", "r1"]);
  });
});
