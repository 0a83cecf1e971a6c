// Scaffolds packages/<name> with the shape every stowage package shares.
// Usage: node scripts/new-package.mjs <name> "<description>"
import { mkdirSync, writeFileSync, existsSync } from "node:fs";

const [name, description = ""] = process.argv.slice(2);
if (!name) throw new Error("usage: node scripts/new-package.mjs <name> <description>");
const dir = `packages/${name}`;
for (const sub of ["src", "test"]) mkdirSync(`${dir}/${sub}`, { recursive: true });

const write = (file, text) => {
  if (!existsSync(`${dir}/${file}`)) writeFileSync(`${dir}/${file}`, text);
};

write("package.json", JSON.stringify({
  name: `@stowage/${name}`,
  version: "0.0.0",
  description,
  license: "MIT",
  type: "module",
  engines: { node: ">=20.11" },
  sideEffects: false,
  main: "./dist/index.cjs",
  module: "./dist/index.js",
  types: "./dist/index.d.cts",
  exports: {
    ".": {
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    },
    "./package.json": "./package.json",
  },
  files: ["dist", "README.md"],
  publishConfig: { access: "public" },
  scripts: {
    build: "tsup",
    typecheck: "tsc -p tsconfig.json",
    lint: "publint --strict && attw --pack . --quiet",
    test: "vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json",
  },
  dependencies: {},
  devDependencies: {},
}, null, 2) + "\n");

write("tsconfig.json", JSON.stringify({
  extends: "../../tsconfig.base.json",
  include: ["src", "test", "bench", "*.ts"],
}, null, 2) + "\n");

write("tsup.config.ts", `import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.mjs";

export default defineConfig(packageBuild());
`);

write("vitest.config.ts", `import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
`);
