import { describe, expect, it } from "vitest";
import { UsageError } from "../src/exit-codes.js";
import { parseLocation } from "../src/location.js";
import { locationsOverlap } from "../src/overlap.js";

describe("parseLocation", () => {
  it.each([
    ["./backup", "file:///work/backup", ""],
    ["/srv/data::a/b.txt", "file:///srv/data", "a/b.txt"],
    ["memory://", "memory://", ""],
    ["memory://::x/", "memory://", "x/"],
    ["redis://[::1]:6379/2::k", "redis://[::1]:6379/2", "k"],
    ["redis://[::1]:6379", "redis://[::1]:6379", ""],
    ["s3://bucket/pre?region=eu-west-1::a::b", "s3://bucket/pre?region=eu-west-1", "a::b"],
    ["C:\\data", "file:///work/C:%5Cdata", ""],
  ])("%s", (text, store, key) => {
    const location = parseLocation(text, "/work");
    expect(location.store.href).toBe(store);
    expect(location.key).toBe(key);
  });

  it("accepts absolute file URLs (with a query of options) and refuses relative ones and plain paths with '?'", () => {
    expect(parseLocation("file:///srv/d?durable=false::k").store.href).toBe("file:///srv/d?durable=false");
    expect(parseLocation("file://localhost/srv/d").store.pathname).toBe("/srv/d");
    expect(() => parseLocation("file://srv/d")).toThrow(/not an absolute file URL/);
    expect(() => parseLocation("file:srv/d")).toThrow(/not an absolute file URL/);
    expect(() => parseLocation("dst?durable=false", "/work")).toThrow("options need a file URL, file:///work/dst?durable=false");
    expect(() => parseLocation("/srv/what?::k", "/work")).toThrow(UsageError);
  });

  it("rejects an empty store and a malformed URL", () => {
    expect(() => parseLocation("::a")).toThrow(UsageError);
    expect(() => parseLocation("http://exa mple")).toThrow(UsageError);
  });
});

describe("locationsOverlap", () => {
  const overlap = (a: string, b: string) => locationsOverlap(parseLocation(a, "/w"), parseLocation(b, "/w"));
  it.each([
    ["./a", "./a/b", true],
    ["./a::b", "./a/b/c", true],
    ["./a::b", "./a/bc", false],
    ["s3://bucket/x", "s3://bucket::x/y", true],
    ["s3://bucket/x", "s3://other/x", false],
    ["redis://h/0::a", "redis://h/1::a", false],
    ["file:///w/a?links=translate", "./a::b", true],
    ["redis://h/0?namespace=x", "redis://h/0?namespace=y", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(overlap(a, b)).toBe(expected);
  });
});
