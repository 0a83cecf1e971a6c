import { describe, expect, it } from "vitest";
import { nearestScheme } from "../src/nearest-scheme.js";

const KNOWN = ["file", "memory", "redis", "rediss", "redis+unix", "s3"];

describe("nearestScheme", () => {
  it.each([
    ["rdis", "redis"],
    ["reids", "redis"],
    ["memroy", "memory"],
    ["memoyr", "memory"],
    ["S3", "s3"],
    ["s4", "s3"],
    ["fle", "file"],
    ["redis+unx", "redis+unix"],
  ])("%s is a typo of %s", (typo, meant) => {
    expect(nearestScheme(typo, KNOWN)).toBe(meant);
  });

  it.each(["ftp", "htp", "gcs", "sftp", "webdav"])("%s is near no known scheme", (scheme) => {
    expect(nearestScheme(scheme, KNOWN)).toBeUndefined();
  });

  it("prefers the closest of several candidates", () => {
    expect(nearestScheme("rediss", KNOWN)).toBe("rediss");
    expect(nearestScheme("redis", ["rediss", "redis"])).toBe("redis");
  });
});
