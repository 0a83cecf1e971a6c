// Runs every package's tests once per Node line: the machine's own node, then each pinned line of
// scripts/runtimes.mjs that scripts/setup.sh installed in .runtimes/. A line's node comes first on
// PATH (turbo, pnpm, vitest and every child process run on it) and its version is in the env that
// turbo hashes (STOWAGE_TEST_NODE), so no line's cached results are replayed for another.
// Prints each line's totals as it ends, and the combined line last; exits 1 if any test failed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, rmSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_LINES, binDir } from "./runtimes.mjs";
import { collectTotals, formatTotals } from "./test-summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const extraArgs = process.argv.slice(2); // e.g. --filter @stowage/core

const runtimes = [{ version: process.versions.node, bin: path.dirname(process.execPath), label: "this machine's node" }];
const absent = [];
for (const version of NODE_LINES) {
  if (version === process.versions.node) continue;
  if (existsSync(path.join(binDir(version), "node"))) runtimes.push({ version, bin: binDir(version), label: ".runtimes" });
  else absent.push(version);
}
if (absent.length > 0) {
  const message = `node ${absent.join(", ")} not installed in .runtimes/ (bash scripts/setup.sh installs them)`;
  // CI must test every line; a developer may test on the machine's node alone.
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    console.error(`stowage: ${message}`);
    process.exit(1);
  }
  console.log(`stowage: testing on this machine's node only: ${message}`);
}

const results = [];
for (const runtime of runtimes) {
  const env = { ...process.env, PATH: `${runtime.bin}${path.delimiter}${process.env.PATH}`, STOWAGE_TEST_NODE: runtime.version };
  // What a package's test script will run on, asked through pnpm the way turbo starts it.
  const seen = execFileSync("pnpm", ["--filter", "@stowage/core", "exec", "node", "-p", "process.versions.node"], { cwd: root, env, encoding: "utf8" }).trim();
  if (seen !== runtime.version) throw new Error(`tests under ${runtime.bin} would run on node ${seen}`);
  console.log(`\n=== node ${runtime.version} (${runtime.label}): tests`);
  for (const pkg of readdirSync(path.join(root, "packages"))) {
    rmSync(path.join(root, "packages", pkg, ".test-results"), { recursive: true, force: true });
  }
  const started = Date.now();
  // --continue: one failing package must not stop the others, or the totals would miss them.
  const run = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", "--output-logs=errors-only", ...extraArgs], { cwd: root, env, stdio: "inherit" });
  const totals = collectTotals(root);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const broken = run.status !== 0 && totals.failed === 0 ? " (the run failed outside a test: see above)" : "";
  console.log(`node ${runtime.version}: ${formatTotals(totals)} in ${minutes} min${broken}`);
  if (totals.missing.length > 0 && extraArgs.length === 0) console.log(`  (no test results from: ${totals.missing.join(", ")})`);
  results.push({ ...totals, version: runtime.version, ok: run.status === 0 && totals.failed === 0 && totals.passed > 0 });
}

console.log("");
for (const result of results) console.log(`node ${result.version}: ${formatTotals(result)}${result.ok ? "" : "  <- FAILED"}`);
const sum = (key) => results.reduce((total, result) => total + result[key], 0);
console.log(`all ${results.length} runtimes (node ${results.map((r) => r.version).join(", ")}): ${formatTotals({ passed: sum("passed"), failed: sum("failed"), skipped: sum("skipped") })}`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
