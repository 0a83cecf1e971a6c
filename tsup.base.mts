import type { Options } from "tsup";

/**
 * The build every published package shares: ESM, CommonJS and types for Node 20, built-in imports
 * kept as `node:` specifiers (clearer to readers, and what some bundlers and runtimes need), and
 * source maps that point at the sources without embedding them (a package ships its code once).
 */
export function packageBuild(options: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    removeNodeProtocol: false,
    esbuildOptions(esbuild) {
      esbuild.sourcesContent = false;
    },
    ...options,
  };
}
