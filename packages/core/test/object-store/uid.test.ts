import { describe, expect, it } from "vitest";
import { escapeUidPart, joinUid, splitUid } from "../../src/index.js";
import { Interface } from "./fixtures.js";

/** Every string of up to `length` characters from `alphabet`. */
function strings(alphabet: string, length: number): string[] {
  const all = [""];
  let level = [""];
  for (let n = 0; n < length; n++) {
    level = level.flatMap((prefix) => [...alphabet].map((char) => prefix + char));
    all.push(...level);
  }
  return all;
}

describe("uids of several identifiers", () => {
  it("keeps diffsync's uid for values without a separator, an escape or an edge underscore", () => {
    expect(joinUid(["rtr1", "eth0"])).toBe("rtr1__eth0");
    expect(joinUid(["a_b", "c d", "é:*"])).toBe("a_b__c d__é:*");
    expect(joinUid(["", ""])).toBe("__");
    expect(joinUid(["r1__core"])).toBe("r1__core");
    expect(joinUid([])).toBe("");
    expect(escapeUidPart("a_b")).toBe("a_b");
  });

  it("escapes a value holding __ or \\ or an edge _, so the issue's two interfaces differ", () => {
    const first = new Interface({ device: "r1__core", name: "eth0", description: "" });
    const second = new Interface({ device: "r1", name: "core__eth0", description: "" });
    expect(first.getUniqueId()).toBe("r1\\_\\_core__eth0");
    expect(second.getUniqueId()).toBe("r1__core\\_\\_eth0");
    expect(joinUid(["a_", "b"])).toBe("a\\___b");
    expect(joinUid(["a", "_b"])).toBe("a__\\_b");
    expect(joinUid(["a\\", "b"])).toBe("a\\\\__b");
  });

  it("never gives two tuples one uid, and splits every uid back (exhaustive over a small alphabet)", () => {
    const values = strings("a_\\", 4);
    for (const count of [2, 3]) {
      const seen = new Map<string, string>();
      const tuples = count === 2 ? values.flatMap((a) => values.map((b) => [a, b])) : strings("a_\\", 2).flatMap((a) => strings("a_\\", 2).flatMap((b) => strings("a_\\", 2).map((c) => [a, b, c])));
      for (const tuple of tuples) {
        const uid = joinUid(tuple);
        const key = JSON.stringify(tuple);
        expect(seen.get(uid) ?? key, `${key} and ${seen.get(uid)} share ${uid}`).toBe(key);
        seen.set(uid, key);
        expect(splitUid(uid, count)).toEqual(tuple);
      }
      expect(seen.size).toBe(tuples.length);
    }
  });

  it("splitUid refuses text that no tuple of that many values joins to", () => {
    expect(splitUid("a__b__c", 2)).toBeUndefined();
    expect(splitUid("a___b", 2)).toBeUndefined();
    expect(splitUid("a\\b__c", 2)).toBeUndefined();
    expect(splitUid("r1__core\\_\\_eth0", 2)).toEqual(["r1", "core__eth0"]);
    expect(splitUid("anything__at all", 1)).toEqual(["anything__at all"]);
  });
});
