import { describe, expect, it } from "vitest";
import { UrlParams, definedOnly, withoutQuery } from "../src/index.js";

describe("UrlParams", () => {
  it("reads typed parameters and refuses unknown names and bad values with E_INVALID_OPTIONS", () => {
    const params = new UrlParams(new URL("s3://b/p?partSize=8&forcePathStyle=true&links=translate"), ["partSize", "forcePathStyle", "links"]);
    expect(params.positiveInt("partSize")).toBe(8);
    expect(params.boolean("forcePathStyle")).toBe(true);
    expect(params.choice("links", ["skip", "translate"])).toBe("translate");
    expect(params.string("absent")).toBeUndefined();
    expect(() => new UrlParams(new URL("s3://b?chunksize=1"), ["chunkSize"])).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", message: expect.stringMatching(/chunksize.*accepted: chunkSize/) }));
    expect(() => new UrlParams(new URL("s3://b?n=0"), ["n"]).positiveInt("n")).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(() => new UrlParams(new URL("s3://b?n=yes"), ["n"]).boolean("n")).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(() => new UrlParams(new URL("s3://b?n=x"), ["n"]).choice("n", ["a"])).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
  });

  it("definedOnly drops undefined values; withoutQuery drops the query", () => {
    expect(definedOnly({ a: 1, b: undefined })).toEqual({ a: 1 });
    expect(withoutQuery(new URL("file:///tmp/x?durable=false")).href).toBe("file:///tmp/x");
  });
});
