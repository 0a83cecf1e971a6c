import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

export default defineConfig({
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  define: { __STOWAGE_CLI_VERSION__: JSON.stringify(version) },
  // Adapters are loaded at run time by URL scheme; they must never be bundled into the CLI.
  external: [/^@stowage\//],
});
