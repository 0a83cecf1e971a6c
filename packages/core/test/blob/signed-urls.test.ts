import { describe, expect, it } from "vitest";
import { canSignUrls, requiresSignedUrls, signedUrlOptions, type SigningStorage } from "../../src/index.js";

describe("signed URLs: the capability and its option rules", () => {
  const signing: SigningStorage = { signedUrl: async (path) => `https://example.test/${path}` };
  it("is recognised by its method, and refused clearly where missing", () => {
    expect(canSignUrls(signing)).toBe(true);
    expect(canSignUrls({})).toBe(false);
    expect(canSignUrls(null)).toBe(false);
    expect(() => requiresSignedUrls(signing, "link")).not.toThrow();
    expect(() => requiresSignedUrls(new (class LocalThing {})(), "link")).toThrow(
      expect.objectContaining({ code: "E_CAPABILITY", message: "Operation 'link' requires signed URLs, which 'LocalThing' does not offer." }),
    );
  });
  it("defaults to a GET link for an hour, and refuses bad keys, methods and lives", () => {
    expect(signedUrlOptions("a/b", {}, "X")).toEqual({ method: "GET", expiresInSeconds: 3600 });
    expect(signedUrlOptions("a/b", { method: "PUT", expiresInSeconds: 604_800 }, "X")).toEqual({ method: "PUT", expiresInSeconds: 604_800 });
    expect(() => signedUrlOptions("../a", {}, "X")).toThrow(expect.objectContaining({ code: "E_INVALID_PATH" }));
    for (const bad of [{ method: "DELETE" }, { expiresInSeconds: 0 }, { expiresInSeconds: 1.5 }, { expiresInSeconds: 604_801 }]) {
      expect(() => signedUrlOptions("a", bad as never, "X")).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    }
  });
});
