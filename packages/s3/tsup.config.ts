import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

// `shims` gives the CommonJS build an `import.meta.url`, which src/sdk.ts requires the AWS SDK from.
export default defineConfig(packageBuild({ shims: true }));
