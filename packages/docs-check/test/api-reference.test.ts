// The API reference (`pnpm run docs`, TypeDoc; `pnpm test` builds it before the tests): it documents every
// published package, its front page links guides that exist, and its warnings-as-errors settings
// really fail a build on an export without docs, a broken {@link} or a missing entry point.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Application, LogLevel, type TypeDocOptions } from "typedoc";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const config = (await import(pathToFileURL(path.join(root, "typedoc.config.mjs")).href)) as { default: Partial<TypeDocOptions> };
const options = config.default;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const published = readdirSync(path.join(root, "packages"))
  .filter((dir) => existsSync(path.join(root, "packages", dir, "package.json")))
  .filter((dir) => (JSON.parse(readFileSync(path.join(root, "packages", dir, "package.json"), "utf8")) as { private?: boolean }).private !== true)
  .map((dir) => `packages/${dir}`);

describe("the API reference's configuration", () => {
  it("documents every published package, and only those", () => {
    expect(options.entryPointStrategy).toBe("packages");
    expect([...(options.entryPoints ?? [])].sort()).toEqual([...published].sort());
  });

  it("is built by the test run through `pnpm run docs` (bare `pnpm docs` is pnpm's own command, which opens npm)", () => {
    const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.docs).toBe("typedoc");
    expect(scripts.test).toContain("pnpm run docs &&");
  });

  it("treats warnings as errors and checks undocumented exports, links and unexported references", () => {
    expect(options.treatWarningsAsErrors).toBe(true);
    expect(options.validation).toMatchObject({ notExported: true, invalidLink: true, notDocumented: true });
  });

  it("has a front page whose guide links point at files that exist", () => {
    const front = path.join(root, String(options.readme));
    const links = [...readFileSync(front, "utf8").matchAll(/\]\((\.\.?\/[^)#]+)/g)].map((match) => match[1] ?? "");
    expect(links).toEqual(expect.arrayContaining(["../README.md", "../CONTRIBUTING.md"]));
    for (const link of links) expect(existsSync(path.resolve(path.dirname(front), link)), link).toBe(true);
    for (const document of options.projectDocuments ?? []) expect(existsSync(path.join(root, document)), document).toBe(true);
  });
});

/** Runs TypeDoc with the reference's validation settings on a one-file package; the warnings it gives. */
async function warningsFor(source: string | undefined): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "stowage-typedoc-"));
  temps.push(dir);
  mkdirSync(path.join(dir, "src"));
  if (source !== undefined) writeFileSync(path.join(dir, "src/index.ts"), source);
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", noEmit: true, types: [] }, include: ["src"] }),
  );
  const warnings: string[] = [];
  const app = await Application.bootstrap({
    name: "fixture",
    entryPoints: [path.join(dir, "src/index.ts")],
    tsconfig: path.join(dir, "tsconfig.json"),
    validation: options.validation,
    treatWarningsAsErrors: options.treatWarningsAsErrors,
    logLevel: LogLevel.Warn,
    skipErrorChecking: true,
    disableSources: options.disableSources,
  });
  app.logger.log = (message: string, level: LogLevel) => {
    if (level >= LogLevel.Warn) warnings.push(message);
  };
  const project = await app.convert();
  if (project !== undefined) app.validate(project);
  return warnings;
}

describe("the reference's settings fail a build on", () => {
  it("nothing, for a documented export (the control)", async () => {
    expect(await warningsFor('/** Says hello. */\nexport function hello(): string {\n  return "hello";\n}\n')).toEqual([]);
  });

  it("an export without docs", async () => {
    expect((await warningsFor('export function hello(): string {\n  return "hello";\n}\n')).join("\n")).toMatch(/hello.*does not have any documentation/);
  });

  it("a broken {@link}", async () => {
    const warnings = await warningsFor('/** Says hello, unlike {@link goodbye}. */\nexport function hello(): string {\n  return "hello";\n}\n');
    expect(warnings.join("\n")).toMatch(/Failed to resolve link to "goodbye"/);
  });

  it("a missing entry point", async () => {
    expect((await warningsFor(undefined)).join("\n")).toMatch(/index\.ts/);
  });
});
