import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts", "src/bin.ts"],
    define: { __STOWAGE_CLI_VERSION__: JSON.stringify(version) },
    // Adapters are loaded at run time by URL scheme; they must never be bundled into the CLI.
    external: [/^@stowage\//],
  }),
);
