import { describe, expect, it } from "vitest";
import { InvalidPathError, compareKeys, isUnderPrefix, normalizePrefix, parentFolders, validateKey } from "../../src/index.js";

describe("validateKey", () => {
  it.each([
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["../x", "dot-dot"],
    ["a/../../x", "dot-dot in the middle"],
    ["a/./b", "dot segment"],
    ["a//b", "empty segment"],
    ["a/", "trailing slash"],
    ["C:\\x", "backslash"],
    ["a\\..\\..\\x", "backslash traversal"],
    ["a\u0000b", "NUL"],
    ["a\nb", "newline"],
    ["x".repeat(256), "long segment"],
    [`${"x/".repeat(600)}x`, "long key"],
  ])("rejects %j (%s)", (key) => {
    expect(() => validateKey(key)).toThrow(InvalidPathError);
  });

  it.each([42, null, undefined, {}])("rejects the non-string %j", (key) => {
    expect(() => validateKey(key)).toThrow(InvalidPathError);
  });

  it.each(["a", "a/b/c.txt", "%2e%2e/x", "sp ace/ü/日本/🎉", "a:b#c?d%e+f&g=h", "C:/x", "..."])("accepts %j", (key) => {
    expect(validateKey(key)).toBe(key);
  });
});

describe("normalizePrefix", () => {
  it("strips one trailing slash and keeps the root empty", () => {
    expect(normalizePrefix("")).toBe("");
    expect(normalizePrefix("a/b/")).toBe("a/b");
    expect(normalizePrefix("a/b")).toBe("a/b");
  });
  it.each(["/", "//", "a//", "../a", "/a"])("rejects %j", (prefix) => {
    expect(() => normalizePrefix(prefix)).toThrow(InvalidPathError);
  });
});

describe("prefix helpers", () => {
  it("match whole segments only", () => {
    expect(isUnderPrefix("snapshot2/b", "snap")).toBe(false);
    expect(isUnderPrefix("snap/b", "snap")).toBe(true);
    expect(isUnderPrefix("anything", "")).toBe(true);
  });
  it("lists parent folders nearest last", () => {
    expect(parentFolders("a/b/c")).toEqual(["a", "a/b"]);
    expect(parentFolders("a")).toEqual([]);
  });
});

describe("compareKeys", () => {
  it("orders by code point (UTF-8 byte order), not UTF-16 code unit", () => {
    const keys = ["\u{1F389}", "\uFF01", "b", "a", "a/", "a.txt"];
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });
});

describe("well-formed Unicode", () => {
  it("rejects lone surrogates, which have no UTF-8 form, and accepts pairs and U+FFFD", () => {
    for (const key of ["a\uD800", "a\uDC00", "\uDC00\uD800", "x/\uD83Dy"]) {
      expect(() => validateKey(key)).toThrow(InvalidPathError);
      expect(() => normalizePrefix(key)).toThrow(/lone surrogate/);
    }
    for (const key of ["\u{1F389}", "a\uFFFD", "\uD83D\uDE00/b"]) expect(validateKey(key)).toBe(key);
  });
});


describe("validateKey's one-pass check of plain ASCII keys agrees with the full rules", () => {
  const segment = (size: number): string => "x".repeat(size);
  it.each([
    ["a/b.c", true],
    [".a/..b/...", true],
    [`${segment(255)}/b`, true],
    [`${segment(256)}/b`, false],
    [[segment(255), segment(255), segment(255), segment(254), "a"].join("/"), true], // 1024 bytes
    [[segment(255), segment(255), segment(255), segment(254), "ab"].join("/"), false], // 1025 bytes
    ["a/./b", false],
    ["a/../b", false],
    ["./a", false],
    ["a/.", false],
    ["a/..", false],
    ["a//b", false],
    ["a/", false],
    ["/a", false],
    ["a\\b", false],
    ["a\u007fb", false],
    ["a\u001fb", false],
    ["a b~!@#$%^&*()", true],
  ])("%j valid: %s", (key, valid) => {
    if (valid) expect(validateKey(key)).toBe(key);
    else expect(() => validateKey(key)).toThrow(InvalidPathError);
  });
});
