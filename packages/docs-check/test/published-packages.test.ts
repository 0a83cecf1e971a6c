// What a user installs: every published package's tarball, as `npm pack` would make it, carries its
// README, package.json and built files that something can load, source maps that do not embed the
// sources again, and (for core) no runtime dependency it does not use.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

interface Manifest {
  name: string;
  private?: boolean;
  main?: string;
  module?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const published = readdirSync(path.join(root, "packages"))
  .map((name) => path.join(root, "packages", name))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true);

function packedFiles(dir: string): string[] {
  const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8" });
  const [report] = JSON.parse(output) as [{ files: { path: string }[] }];
  return report.files.map((file) => file.path);
}

/** Every path named by `main`, `module`, `types`, `bin` and the `exports` map, without `./`. */
function entryPoints(manifest: Manifest): Set<string> {
  const named: string[] = [manifest.main, manifest.module, manifest.types, ...Object.values(manifest.bin ?? {})].filter(
    (entry): entry is string => entry !== undefined,
  );
  const walk = (node: unknown): void => {
    if (typeof node === "string") named.push(node);
    else if (node !== null && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(manifest.exports);
  return new Set(named.map((entry) => path.posix.normalize(entry)));
}

it("finds the published packages", () => {
  expect(published.map(({ manifest }) => manifest.name)).toEqual(expect.arrayContaining(["@stowage/core", "@stowage/cli", "@stowage/s3"]));
});

describe.each(published)("$manifest.name", ({ dir, manifest }) => {
  const files = packedFiles(dir);
  const code = files.filter((file) => /\.(c|m)?js$/.test(file));
  const entries = entryPoints(manifest);

  it("ships its README, package.json and dist/ only", () => {
    expect(files).toContain("README.md");
    expect(files.filter((file) => file !== "README.md" && file !== "package.json" && !file.startsWith("dist/"))).toEqual([]);
  });

  it("ships no module that nothing loads: each is an entry point or imported by one that is", () => {
    const imported = new Set<string>();
    for (const file of code) {
      const text = readFileSync(path.join(dir, file), "utf8");
      for (const match of text.matchAll(/(?:from\s*|import\(\s*|require\(\s*)["'](\.\/[^"']+)["']/g)) {
        imported.add(path.posix.join(path.posix.dirname(file), match[1] ?? ""));
      }
    }
    expect(code.filter((file) => !entries.has(file) && !imported.has(file))).toEqual([]);
  });

  it("ships source maps that point at the sources without embedding them", () => {
    for (const map of files.filter((file) => file.endsWith(".map"))) {
      const parsed = JSON.parse(readFileSync(path.join(dir, map), "utf8")) as { sourcesContent?: unknown };
      expect(parsed.sourcesContent, map).toBeUndefined();
    }
  });
});

it("core needs only exponential-backoff and mime-types at run time (its filter globs are its own); pino is an optional peer", () => {
  const core = published.find(({ manifest }) => manifest.name === "@stowage/core")?.manifest;
  expect(Object.keys(core?.dependencies ?? {}).sort()).toEqual(["exponential-backoff", "mime-types"]);
  expect(core?.peerDependencies?.pino).toBeDefined();
  expect(core?.peerDependenciesMeta?.pino?.optional).toBe(true);
});
