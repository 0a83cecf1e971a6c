import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SnapshotNotFoundError } from "@stowage/core";
import { EXIT_CODES } from "../src/exit-codes.js";
import { JSONFILE_ADAPTER, temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/** Third-party adapters: found by package name, or mapped in STOWAGE_ADAPTERS. */
describe("adapter plugins", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
  });
  afterEach(() => cleanup());

  async function installPackage(name: string, source: string): Promise<void> {
    const root = join(dir, "node_modules", name);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, "package.json"), JSON.stringify({ name, version: "1.0.0", type: "module", exports: "./index.js" }));
    await writeFile(join(root, "index.js"), source);
  }

  it("a package named stowage-adapter-<scheme> in the working directory serves <scheme>: URLs", async () => {
    await installPackage("stowage-adapter-jsonfile", `export * from ${JSON.stringify(pathToFileURL(JSONFILE_ADAPTER).href)};\n`);
    const url = `jsonfile://${dir}/store.json`;
    expect((await stowage(["put", "-", `${url}::greeting.txt`], { input: "hi", cwd: dir })).code).toBe(0);
    const cat = await stowage(["cat", `${url}::greeting.txt`], { cwd: dir });
    expect(cat.out).toBe("hi");
  });

  it("STOWAGE_ADAPTERS maps a scheme to a module path", async () => {
    const env = { STOWAGE_ADAPTERS: `jf=${JSONFILE_ADAPTER}` };
    expect((await stowage(["put", "-", `jf://${dir}/s.json::k`], { input: "v", env })).code).toBe(0);
    expect((await stowage(["ls", `jf://${dir}/s.json`], { env })).out).toBe("k\n");
  });

  it("a mapped module that is missing is reported with the variable to check", async () => {
    const result = await stowage(["ls", "jf://x"], { env: { STOWAGE_ADAPTERS: "jf=./nowhere.mjs" }, cwd: dir });
    expect(result.code).toBe(EXIT_CODES.adapterMissing);
    expect(result.stderr).toBe("stowage: no adapter for jf: URLs: check STOWAGE_ADAPTERS\n");
  });

  it("a mapped module that fails to load is reported with its path and the load error, exit 8", async () => {
    await writeFile(join(dir, "throws.mjs"), 'throw new Error("adapter exploded at load");\n');
    await writeFile(join(dir, "broken.mjs"), "export const = ;\n");
    const env = { STOWAGE_ADAPTERS: "jf=./throws.mjs,br=./broken.mjs" };
    const throws = await stowage(["ls", "jf://x"], { env, cwd: dir });
    expect(throws.code).toBe(EXIT_CODES.adapterMissing);
    expect(throws.stderr).toBe(`stowage: cannot load adapter ${join(dir, "throws.mjs")} (mapped in STOWAGE_ADAPTERS): adapter exploded at load\n`);
    const broken = await stowage(["ls", "br://x"], { env, cwd: dir });
    expect(broken.code).toBe(EXIT_CODES.adapterMissing);
    expect(broken.stderr).toMatch(new RegExp(`^stowage: cannot load adapter ${join(dir, "broken.mjs").replace(/[.*+?^$()|[\]\\]/g, "\\$&")} \\(mapped in STOWAGE_ADAPTERS\\): \\S.*\\n$`));
    // -v adds the original error's stack.
    expect((await stowage(["-v", "ls", "jf://x"], { env, cwd: dir })).stderr).toMatch(/throws\.mjs:1/);
  });

  it("a scheme one typo from a mapped one is answered with the mapped scheme", async () => {
    const result = await stowage(["ls", "jsonfil://x"], { env: { STOWAGE_ADAPTERS: `jsonfile=${JSONFILE_ADAPTER}` } });
    expect(result.code).toBe(EXIT_CODES.adapterMissing);
    expect(result.stderr).toBe("stowage: no adapter for jsonfil: URLs: did you mean jsonfile:?\n");
  });

  it("a package without createStorageFromUrl, or returning something else, is refused", async () => {
    await installPackage("stowage-adapter-none", "export const nothing = 1;\n");
    const none = await stowage(["ls", "none://x"], { cwd: dir });
    expect(none.code).toBe(EXIT_CODES.adapterMissing);
    expect(none.stderr).toMatch(/does not export createStorageFromUrl/);
    await installPackage("stowage-adapter-bad", "export function createStorageFromUrl() { return {}; }\n");
    const bad = await stowage(["ls", "bad://x"], { cwd: dir });
    expect(bad.code).toBe(EXIT_CODES.failure);
    expect(bad.stderr).toMatch(/is not a stowage storage/);
  });

  // A plugin's errors may come from another copy of core than the CLI's: core's CommonJS build when
  // the plugin is CJS, or a copy of its own. The CLI recognises them by their brand.
  const plugins = {
    "ESM plugin sharing the CLI's core": "basic-adapter.mjs",
    "CJS plugin (require of @stowage/core)": "map-adapter.cjs",
    "ESM plugin with its own copy of core": "own-core-adapter.mjs",
  };

  it("the CJS and own-copy plugin fixtures really throw errors of another copy of core", async () => {
    for (const fixture of [plugins["CJS plugin (require of @stowage/core)"], plugins["ESM plugin with its own copy of core"]]) {
      const plugin = (await import(`./fixtures/${fixture}`)) as { createStorageFromUrl(url: URL): { read(key: string): Promise<unknown> } };
      const error = await plugin.createStorageFromUrl(new URL("x://")).read("missing.txt").catch((caught: unknown) => caught);
      expect((error as Error).name, fixture).toBe("SnapshotNotFoundError");
      expect(Object.prototype.isPrototypeOf.call(SnapshotNotFoundError.prototype, error as object), fixture).toBe(false);
    }
  });

  it.each(Object.entries(plugins))("%s: a missing file exits 3, for cat and for cp", async (_name, fixture) => {
    const env = { STOWAGE_ADAPTERS: `pl=${join(import.meta.dirname, "fixtures", fixture)}` };
    const storeUrl = fixture === "basic-adapter.mjs" ? `pl://${dir}/store.json` : "pl://x";
    const missing = await stowage(["cat", `${storeUrl}::missing.txt`], { env });
    expect(missing.stderr).toBe("stowage: no such file: 'missing.txt'\n");
    expect(missing.code).toBe(EXIT_CODES.notFound);
    const copy = await stowage(["cp", `${storeUrl}::missing.txt`, "memory://::a"], { env });
    expect(copy.code).toBe(EXIT_CODES.notFound);
  });

  it("a malformed STOWAGE_ADAPTERS is a usage error", async () => {
    const result = await stowage(["ls", "memory://"], { env: { STOWAGE_ADAPTERS: "oops" } });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/scheme=package/);
  });
});
