import { describe, expect, it } from "vitest";
import { InvalidOptionsError, StowageError, integerOption, positiveInteger } from "../src/index.js";

describe("option checks", () => {
  it("returns accepted values", () => {
    expect(positiveInteger("chunkSize", 1)).toBe(1);
    expect(integerOption("maxKeys", 1000, 1, 1000)).toBe(1000);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects the positive integer %s with InvalidOptionsError", (value) => {
    expect(() => positiveInteger("chunkSize", value, "Owner")).toThrow(InvalidOptionsError);
  });

  it("names the option, the value and the owner", () => {
    let caught: unknown;
    try {
      integerOption("maxKeys", 1001, 1, 1000, "S3Storage");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StowageError);
    expect(caught).toMatchObject({ code: "E_INVALID_OPTIONS", option: "maxKeys", value: 1001, name: "InvalidOptionsError" });
    expect((caught as Error).message).toBe("S3Storage: option 'maxKeys' must be an integer from 1 to 1000, got 1001");
  });
});
