// What a user's project gets: every published package packed (`pnpm pack`, so `workspace:` ranges
// become versions), installed from those tarballs into a fresh folder outside the workspace, then
// loaded from ESM and CommonJS and the `stowage` command run, all on the node running this test
// (scripts/test-lines.mjs runs it once per supported Node line).
// The install resolves third-party dependencies from the pnpm store and metadata cache, falling back
// to the npm registry. better-sqlite3's install script is not run (it would download a prebuilt
// binary from GitHub or compile SQLite for minutes): the addon scripts/runtimes.mjs built for this
// node's ABI is copied in, where better-sqlite3's loader looks for it.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const work = mkdtempSync(path.join(os.tmpdir(), "stowage-packed-"));
const app = path.join(work, "app");
// The node under test first on PATH: pnpm, its .bin shims and child processes run on it.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };

interface Manifest {
  name: string;
  private?: boolean;
  devDependencies?: Record<string, string>;
}

const published = readdirSync(path.join(root, "packages"))
  .map((dir) => ({ dir: path.join(root, "packages", dir), file: path.join(root, "packages", dir, "package.json") }))
  .filter(({ file }) => existsSync(file))
  .map(({ dir, file }) => ({ dir, manifest: JSON.parse(readFileSync(file, "utf8")) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true);

function run(command: string, args: string[], cwd: string, timeout = 300_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, output: `${stdout}${stderr}` });
    });
  });
}

async function must(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
  return result.output;
}

/** The better-sqlite3 addon the workspace loads on this node (one per ABI, see scripts/runtimes.mjs). */
function workspaceAddon(): string {
  const fromSqlite = createRequire(path.join(root, "packages/sqlite/package.json"));
  const moduleDir = path.dirname(fromSqlite.resolve("better-sqlite3/package.json"));
  const perAbi = path.join(moduleDir, "lib/binding", `node-v${process.versions.modules}-${process.platform}-${process.arch}`, "better_sqlite3.node");
  const installed = path.join(moduleDir, "build/Release/better_sqlite3.node");
  if (existsSync(perAbi)) return perAbi;
  if (existsSync(installed)) return installed;
  throw new Error(`no better-sqlite3 build for node ${process.version} (ABI ${process.versions.modules}): run bash scripts/setup.sh`);
}

const ESM_CHECK = `
import assert from "node:assert/strict";
const names = JSON.parse(process.argv[2]);
for (const name of names) {
  const loaded = await import(name);
  assert.ok(Object.keys(loaded).length > 0, name + " exports nothing");
}
const { MemoryStorage } = await import("@stowage/memory");
const { collectBytes, isStowageError } = await import("@stowage/core");
const storage = new MemoryStorage();
await storage.write("notes/a.txt", "from esm");
assert.equal((await collectBytes(await storage.read("notes/a.txt"))).toString(), "from esm");
const missing = await storage.read("nothing").catch((error) => error);
assert.ok(isStowageError(missing, "E_NOT_FOUND"), String(missing));
const { SQLiteStore } = await import("@stowage/sqlite");
const store = new SQLiteStore({ path: ":memory:" });
await store.close();
console.log("esm ok on " + process.version);
`;

const CJS_CHECK = `
const assert = require("node:assert/strict");
const names = JSON.parse(process.argv[2]);
for (const name of names) assert.ok(Object.keys(require(name)).length > 0, name + " exports nothing");
const { MemoryStorage } = require("@stowage/memory");
const { collectBytes } = require("@stowage/core");
const { SQLiteStore } = require("@stowage/sqlite");
(async () => {
  const storage = new MemoryStorage();
  await storage.write("notes/a.txt", "from cjs");
  assert.equal((await collectBytes(await storage.read("notes/a.txt"))).toString(), "from cjs");
  const store = new SQLiteStore({ path: ":memory:" });
  await store.close();
  console.log("cjs ok on " + process.version);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

beforeAll(async () => {
  const tarballs = path.join(work, "tarballs");
  mkdirSync(tarballs);
  mkdirSync(app);
  for (const { dir } of published) await must("pnpm", ["pack", "--pack-destination", tarballs], dir);
  const local: Record<string, string> = {};
  for (const file of readdirSync(tarballs)) {
    const manifest = JSON.parse(await must("tar", ["-xzOf", path.join(tarballs, file), "package/package.json"], tarballs)) as Manifest;
    local[manifest.name] = `file:${path.join(tarballs, file)}`;
  }
  // The bridges' peers, at the versions the workspace tests them with.
  const tested = (JSON.parse(readFileSync(path.join(root, "packages/docs-check/package.json"), "utf8")) as Manifest).devDependencies ?? {};
  const manifest = {
    name: "a-user-project",
    private: true,
    dependencies: { ...local, flydrive: tested.flydrive, unstorage: tested.unstorage },
    // The tarballs depend on each other by version (^0.0.0), which the registry does not have yet.
    pnpm: { overrides: local, onlyBuiltDependencies: [] },
  };
  writeFileSync(path.join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await must("pnpm", ["install", "--prefer-offline", "--reporter=append-only"], app);
  // From the real folder pnpm linked @stowage/sqlite from, where its own dependencies are.
  const fromSqlite = createRequire(realpathSync(path.join(app, "node_modules/@stowage/sqlite/package.json")));
  const addonDir = path.join(
    path.dirname(fromSqlite.resolve("better-sqlite3/package.json")),
    "lib/binding",
    `node-v${process.versions.modules}-${process.platform}-${process.arch}`,
  );
  mkdirSync(addonDir, { recursive: true });
  cpSync(workspaceAddon(), path.join(addonDir, "better_sqlite3.node"));
  writeFileSync(path.join(app, "check.mjs"), ESM_CHECK);
  writeFileSync(path.join(app, "check.cjs"), CJS_CHECK);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`the packed packages, installed in a fresh folder, on node ${process.version}`, () => {
  const names = JSON.stringify(published.map(({ manifest }) => manifest.name));

  it("install outside the workspace", () => {
    expect(path.relative(root, app).startsWith("..")).toBe(true);
    for (const { manifest } of published) expect(existsSync(path.join(app, "node_modules", manifest.name, "package.json")), manifest.name).toBe(true);
  });

  it("load and work from ESM", async () => {
    const result = await run(process.execPath, ["check.mjs", names], app);
    expect(result.output).toContain(`esm ok on ${process.version}`);
    expect(result.code, result.output).toBe(0);
  });

  it("load and work from CommonJS", async () => {
    const result = await run(process.execPath, ["check.cjs", names], app);
    expect(result.output).toContain(`cjs ok on ${process.version}`);
    expect(result.code, result.output).toBe(0);
  });

  it("give the project a `stowage` command whose sync and check work", async () => {
    const project = path.join(app, "project");
    mkdirSync(path.join(project, "docs"), { recursive: true });
    writeFileSync(path.join(project, "README.md"), "# a project\n");
    writeFileSync(path.join(project, "docs/guide.md"), "a guide\n");
    const stowage = path.join(app, "node_modules/.bin/stowage");
    const sync = await run(stowage, ["sync", "./project", "./store::snapshots/latest"], app);
    expect(sync.code, sync.output).toBe(0);
    expect(sync.output).toMatch(/copied 2 files/);
    expect(readFileSync(path.join(app, "store/snapshots/latest/docs/guide.md"), "utf8")).toBe("a guide\n");
    const same = await run(stowage, ["check", "./project", "./store::snapshots/latest"], app);
    expect(same.code, same.output).toBe(0);
    writeFileSync(path.join(project, "docs/guide.md"), "a changed guide\n");
    utimesSync(path.join(project, "docs/guide.md"), new Date(), new Date(Date.now() + 5_000));
    const differs = await run(stowage, ["check", "./project", "./store::snapshots/latest"], app);
    expect(differs.code, differs.output).toBe(11);
  });
});
