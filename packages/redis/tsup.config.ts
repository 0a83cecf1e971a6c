import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

// `shims` gives the CommonJS build an `import.meta.url`, which src/ioredis.ts requires ioredis from.
export default defineConfig(packageBuild({ shims: true }));
