import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/index.js", import.meta.url));
/** An `import` of values (not `import type`) from an AWS SDK or Smithy package. */
const VALUE_IMPORT = /^import (?!type )[^;]*? from "@(?:aws-sdk|smithy)\/[^"]+";/gms;

// src/sdk.ts loads the SDK with require: Node 20's ESM loader took 150–179 ms of CPU to import it,
// require 84–87. One value import elsewhere would load the SDK through the ESM loader again.
describe("how the AWS SDK is loaded", () => {
  it("only src/sdk.ts takes values from the SDK's packages, and it requires them", () => {
    const offenders = readdirSync(SRC)
      .filter((file) => file.endsWith(".ts") && file !== "sdk.ts")
      .flatMap((file) => (readFileSync(`${SRC}${file}`, "utf8").match(VALUE_IMPORT) ?? []).map((line) => `${file}: ${line}`));
    expect(offenders).toEqual([]);
    expect(readFileSync(`${SRC}sdk.ts`, "utf8")).toContain('load("@aws-sdk/client-s3")');
  });

  it("the ESM build imports no SDK or Smithy package", () => {
    const built = readFileSync(BUILT, "utf8");
    expect(built.match(/^import [^;]*? from "@(?:aws-sdk|smithy)\/[^"]+";/gm) ?? []).toEqual([]);
    expect(built).toMatch(/createRequire/);
  });
});
