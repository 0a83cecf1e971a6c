// TypeDoc (pnpm run docs): the API reference of every published package, one site, warnings as errors.
// Each package resolves @stowage/* to the other packages' sources (not their built .d.ts), so a
// link from one package to another lands on the page TypeDoc makes for it.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packages = new URL("./packages/", import.meta.url);
const paths = Object.fromEntries(
  readdirSync(packages).map((name) => [`@stowage/${name}`, [fileURLToPath(new URL(`${name}/src/index.ts`, packages))]]),
);

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  "$schema": "https://typedoc.org/schema.json",
  "name": "stowage",
  "entryPointStrategy": "packages",
  "entryPoints": [
    "packages/core",
    "packages/memory",
    "packages/local",
    "packages/redis",
    "packages/s3",
    "packages/sqlite",
    "packages/flydrive",
    "packages/unstorage",
    "packages/conformance",
    "packages/cli"
  ],
  "packageOptions": {
    "compilerOptions": { paths },
    "entryPoints": [
      "src/index.ts"
    ],
    "readme": "README.md",
    "excludePrivate": true,
    "excludeInternal": true,
    // No source links: a clone's remote (a local path in CI, none in a fresh checkout) is not a
    // web address TypeDoc can link to, and it warns about it.
    "disableSources": true
  },
  "disableSources": true,
  "readme": "docs/reference.md",
  "projectDocuments": [
    "README.md",
    "CONTRIBUTING.md"
  ],
  "out": "site",
  "treatWarningsAsErrors": true,
  "treatValidationWarningsAsErrors": true,
  "validation": {
    "notExported": true,
    "invalidLink": true,
    "rewrittenLink": true,
    "notDocumented": true,
    "unusedMergeModuleWith": true
  },
  "disableSources": true,
  "githubPages": false,
  "skipErrorChecking": true
};
