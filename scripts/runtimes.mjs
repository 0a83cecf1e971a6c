// The Node.js lines stowage is tested on besides the machine's own, and how to get them ready:
// `node scripts/runtimes.mjs install` puts each pinned Node binary (the `node` package of the npm
// registry, which ships the binary and its C headers) in .runtimes/node-<version>/, and builds
// better-sqlite3 (the one native module) for each line's ABI against that line's headers (or the
// headers HEADERS_OF names for it), kept in
// ~/.cache/stowage/ so the next clone copies it instead of compiling again.
// `node scripts/runtimes.mjs list` prints one line per runtime: version, then the bin folder.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Exact versions, so a run tests what the lockfile and these pins say (bump them together). */
export const NODE_LINES = ["22.23.3", "24.21.0", "26.10.0"];

/**
 * Lines whose addon is compiled against another release's headers (same ABI). Node 24.19.0 put a
 * per-object environment cleanup hook into `node::ObjectWrap` (node_object_wrap.h) without the
 * runtime support 26.4 has: an addon compiled against 24.19+ headers (better-sqlite3 12 wraps its
 * Database and Statement in ObjectWrap) removes that hook in the destructor, which aborts the process
 * (`RemoveEnvironmentCleanupHook ... (env) != nullptr`) whenever GC collects one outside a JS
 * context. Compiled against 24.18.1's header the wrapper has no hook and runs on every 24.x release
 * (nodejs/node#65446). better-sqlite3 13 (Node-API) avoids it but needs Node >= 22, so not while
 * stowage supports Node 20.
 */
const HEADERS_OF = { "24.21.0": "24.18.1" };

/** The release whose headers a line's addon is compiled against. */
function headersVersion(version) {
  return HEADERS_OF[version] ?? version;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runtimesDir = path.join(root, ".runtimes");

/** The folder holding a line's `node` binary (prepended to PATH to test on that line). */
export function binDir(version) {
  return path.join(runtimesDir, `node-${version}`, "node_modules", "node", "bin");
}

function headersDir(version) {
  const headers = headersVersion(version);
  if (headers !== version) return fetchHeaders(headers);
  // The `node` package installs the platform's binary package, with include/node beside bin/.
  const modules = path.join(runtimesDir, `node-${version}`, "node_modules", "node", "node_modules");
  const platform = readdirSync(modules).find((name) => name.startsWith(`node-${process.platform}-`));
  if (platform === undefined) throw new Error(`no node-${process.platform}-* package under ${modules}`);
  return path.join(modules, platform);
}

/** Another release's platform package (include/node with its headers), unpacked in .runtimes/headers-<version>/. */
function fetchHeaders(version) {
  const dir = path.join(runtimesDir, `headers-${version}`);
  const unpacked = path.join(dir, "package");
  if (existsSync(path.join(unpacked, "include", "node", "node.h"))) return unpacked;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`stowage: fetching the headers of node ${version} from the npm registry into ${path.relative(root, dir)}/`);
  const name = `node-${process.platform}-${process.arch}`;
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir, `${name}@${version}`], { encoding: "utf8" }).trim().split("\n").pop();
  execFileSync("tar", ["xzf", path.join(dir, tarball), "-C", dir]);
  rmSync(path.join(dir, tarball));
  return unpacked;
}

function installNode(version) {
  if (existsSync(path.join(binDir(version), "node"))) return;
  const dir = path.join(runtimesDir, `node-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
  console.log(`stowage: installing node ${version} from the npm registry into ${path.relative(root, dir)}/`);
  execFileSync("npm", ["install", "--no-fund", "--no-audit", "--no-save", "--loglevel=error", `node@${version}`], { cwd: dir, stdio: "inherit" });
  const reported = execFileSync(path.join(binDir(version), "node"), ["--version"], { encoding: "utf8" }).trim();
  if (reported !== `v${version}`) throw new Error(`.runtimes/node-${version} runs ${reported}`);
}

/** better-sqlite3 as the workspace resolves it (the copy packages/sqlite loads). */
function betterSqlite3Dir() {
  const fromSqlite = createRequire(path.join(root, "packages/sqlite/package.json"));
  return path.dirname(fromSqlite.resolve("better-sqlite3/package.json"));
}

function abiOf(nodeBinary) {
  return execFileSync(nodeBinary, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
}

// `bindings` (better-sqlite3's loader) tries build/Release first, then
// lib/binding/node-v<ABI>-<platform>-<arch>/: with one addon per ABI there and none in
// build/Release, each line loads its own build and no switching is needed at test time.
function bindingPath(moduleDir, abi) {
  return path.join(moduleDir, "lib", "binding", `node-v${abi}-${process.platform}-${process.arch}`, "better_sqlite3.node");
}

function nodeGyp() {
  const npmRoot = execFileSync("npm", ["root", "--global"], { encoding: "utf8" }).trim();
  const gyp = path.join(npmRoot, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!existsSync(gyp)) throw new Error(`node-gyp not found at ${gyp} (it ships with npm)`);
  return gyp;
}

/**
 * Where a built addon is kept for the next clone (like node-gyp's header cache): keyed by the
 * better-sqlite3 version and the exact Node version it was built against.
 */
function cachedBuild(moduleDir, version) {
  const cacheHome = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  const { version: moduleVersion } = JSON.parse(readFileSync(path.join(moduleDir, "package.json"), "utf8"));
  const headers = headersVersion(version);
  const key = headers === version ? `node-${version}` : `node-${version}-headers-${headers}`;
  return path.join(cacheHome, "stowage", `better-sqlite3-${moduleVersion}`, `${key}-${process.platform}-${process.arch}`, "better_sqlite3.node");
}

function buildBetterSqlite3(version, moduleDir) {
  const node = path.join(binDir(version), "node");
  const target = bindingPath(moduleDir, abiOf(node));
  // The marker names the headers the addon in place was built against, so a build from other
  // headers (e.g. one made before HEADERS_OF named them) is replaced.
  const marker = `${target}.headers`;
  const headers = headersVersion(version);
  if (existsSync(target) && existsSync(marker) && readFileSync(marker, "utf8").trim() === headers) return;
  const cached = cachedBuild(moduleDir, version);
  if (existsSync(cached)) {
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(cached, target);
    writeFileSync(marker, `${headers}\n`);
    return;
  }
  const work = path.join(runtimesDir, "build", `better-sqlite3-${version}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(moduleDir, work, { recursive: true, filter: (src) => !src.startsWith(path.join(moduleDir, "build")) });
  console.log(`stowage: building better-sqlite3 for node ${version} (ABI ${abiOf(node)}) against the headers of ${headers}`);
  try {
    execFileSync(node, [nodeGyp(), "rebuild", "--release", `--nodedir=${headersDir(version)}`, "--jobs=2"], {
      cwd: work,
      stdio: "pipe",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // node-gyp's progress is noise; its output matters only when the build fails.
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    throw error;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(path.join(work, "build", "Release", "better_sqlite3.node"), target);
  writeFileSync(marker, `${headers}\n`);
  mkdirSync(path.dirname(cached), { recursive: true });
  copyFileSync(target, cached);
  rmSync(work, { recursive: true, force: true });
}

/** Moves the install's own build (for the machine's node) to its ABI folder, out of the way. */
function placeMachineBuild(moduleDir) {
  const built = path.join(moduleDir, "build", "Release", "better_sqlite3.node");
  const target = bindingPath(moduleDir, process.versions.modules);
  if (!existsSync(built)) return;
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(built, target);
  rmSync(built);
}

function install() {
  for (const version of NODE_LINES) installNode(version);
  const moduleDir = betterSqlite3Dir();
  placeMachineBuild(moduleDir);
  if (!existsSync(bindingPath(moduleDir, process.versions.modules))) {
    throw new Error("better-sqlite3 has no build for this machine's node: run `pnpm rebuild better-sqlite3`, then this again");
  }
  for (const version of NODE_LINES) buildBetterSqlite3(version, moduleDir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  if (command === "install") install();
  else if (command === "list") {
    for (const version of NODE_LINES) console.log(`${version}\t${binDir(version)}`);
  } else {
    console.error("usage: node scripts/runtimes.mjs install|list");
    process.exit(2);
  }
}
