import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/index.js", import.meta.url));

// src/ioredis.ts loads ioredis with require: Node 20's ESM loader took 75–84 ms of CPU to import
// it, require 40–44. One value import elsewhere would load it through the ESM loader again.
describe("how ioredis is loaded", () => {
  it("only src/ioredis.ts takes values from ioredis", () => {
    const offenders = readdirSync(SRC)
      .filter((file) => file.endsWith(".ts") && file !== "ioredis.ts")
      .filter((file) => /^import (?!type )[^;]*? from "ioredis";/ms.test(readFileSync(`${SRC}${file}`, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the ESM build does not import ioredis", () => {
    const built = readFileSync(BUILT, "utf8");
    expect(built).not.toMatch(/^import [^;]*? from "ioredis";/m);
    expect(built).toMatch(/createRequire\([^)]*\)\("ioredis"\)/);
  });
});
