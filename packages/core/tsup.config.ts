import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

// `shims` gives the CommonJS build an `import.meta.url`, which the on-demand load of pino resolves from.
export default defineConfig(packageBuild({ shims: true }));
