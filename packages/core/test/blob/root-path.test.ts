import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidPathError, resolveUnderRoot } from "../../src/index.js";

describe("resolveUnderRoot", () => {
  it("joins a key's segments below the root", () => {
    expect(resolveUnderRoot("/srv/data", "a/b.txt", path.posix)).toBe("/srv/data/a/b.txt");
    expect(resolveUnderRoot("C:\\data", "a/b.txt", path.win32)).toBe("C:\\data\\a\\b.txt");
  });

  it("takes a root that ends with a separator (a filesystem root, a drive)", () => {
    expect(resolveUnderRoot("/", "a/b.txt", path.posix)).toBe("/a/b.txt");
    expect(resolveUnderRoot("/srv/data/", "a", path.posix)).toBe("/srv/data/a");
    expect(resolveUnderRoot("C:\\", "a/b.txt", path.win32)).toBe("C:\\a\\b.txt");
  });

  it.each(["...", "..a", "a/...", "%2e%2e/x", "C:/x"])("keeps %j inside the root on POSIX", (key) => {
    const resolved = resolveUnderRoot("/srv/data", key, path.posix);
    expect(resolved.startsWith("/srv/data/")).toBe(true);
  });

  it.each(["", "../x", "a/../../x", "/etc/passwd", "a\\..\\..\\x", "a\u0000b", "a//b", "a/"])(
    "rejects %j before joining",
    (key) => {
      expect(() => resolveUnderRoot("/srv/data", key, path.posix)).toThrow(InvalidPathError);
    },
  );

  it.each(["C:/x", "a/b:stream", "x:"])("rejects %j on Windows (drive letters, alternate streams)", (key) => {
    expect(() => resolveUnderRoot("C:\\data", key, path.win32)).toThrow(InvalidPathError);
  });
});
