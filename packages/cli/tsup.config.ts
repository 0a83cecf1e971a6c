import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

const shared = {
  define: { __STOWAGE_CLI_VERSION__: JSON.stringify(version) },
  // Adapters are loaded at run time by URL scheme; they must never be bundled into the CLI.
  external: [/^@stowage\//],
  // The CommonJS build gets an `import.meta.url`, which the on-demand load of cli-progress resolves from.
  shims: true,
};

// The library (`run`, exit codes) ships as ESM, CommonJS and types; the `stowage` executable is one
// ESM file that `bin` points at, with no CommonJS twin or types nobody can import. Each build cleans
// only its own files, so the two (run side by side) never delete each other's output.
export default defineConfig([
  packageBuild({ ...shared, entry: ["src/index.ts", "src/bin.ts"], format: ["esm"], dts: { entry: "src/index.ts" }, clean: ["*.js", "*.js.map", "*.d.ts"] }),
  packageBuild({ ...shared, entry: ["src/index.ts"], format: ["cjs"], dts: { entry: "src/index.ts" }, clean: ["*.cjs", "*.cjs.map", "*.d.cts"] }),
]);
