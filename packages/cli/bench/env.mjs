// Shared set-up of the CLI's sync benchmarks: scale, scratch folder, the reference tools, and one
// way to measure a child process (wall time, and its peak RSS as `/usr/bin/time -f %M` reports it).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** STOWAGE_BENCH_SCALE=0.01 shrinks every file count for a quick run (default 1). */
export const SCALE = Number(process.env.STOWAGE_BENCH_SCALE ?? "1");
if (!(SCALE > 0)) throw new Error(`STOWAGE_BENCH_SCALE must be a positive number, got ${process.env.STOWAGE_BENCH_SCALE}`);
/** STOWAGE_BENCH_RUNS: timed runs per side and case, whose median is reported (default 3). */
export const RUNS = Number(process.env.STOWAGE_BENCH_RUNS ?? "3");
if (!Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error(`STOWAGE_BENCH_RUNS must be a positive integer, got ${process.env.STOWAGE_BENCH_RUNS}`);

/** The built CLI, run as `node BIN sync ...`. */
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const TIME = "/usr/bin/time";

/** Creates a scratch folder (under TMPDIR, os.tmpdir()) removed when the process exits (even on failure). */
export function scratch(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stowage-bench-${name}-`));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  return dir;
}

/** Prints the machine's load, since the benchmark shares its cores with other work. */
export function printLoad() {
  const [one, five] = os.loadavg();
  console.log(`(load average ${one.toFixed(2)} / ${five.toFixed(2)} on ${os.cpus().length} cores, scale ${SCALE}, ${RUNS} timed runs per side)`);
}

/** Flushes dirty pages of `dir`'s filesystem outside any measurement, so no run pays for the previous one's writeback. */
export function settle(dir) {
  try {
    execFileSync("sync", ["-f", dir]);
  } catch {
    // No coreutils sync (or no -f): measurements are just noisier.
  }
}

/**
 * Reads every file under `tree` (untimed), so that each run starts from the same warm cache. rclone
 * drops the pages of the files it reads (`fadvise(DONTNEED)`), so without this the run after
 * rclone's read its source from disk: stowage's `--checksum` no-op took 1.37 s after an rclone run
 * and 0.66 s after its own.
 */
export function warm(tree) {
  execFileSync("find", [tree, "-type", "f", "-exec", "cat", "{}", "+"], { stdio: ["ignore", "ignore", "inherit"] });
}

/** Installs the Debian packages of missing commands (`{ command: package }`), saying so. */
export function ensureTools(tools) {
  const found = (command) => {
    try {
      execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  const missing = Object.entries(tools).filter(([command]) => !found(command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  console.log(`installing ${packages.join(", ")} (apt-get install -y), missing: ${missing.map(([c]) => c).join(", ")}`);
  const install = () => execFileSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: ["ignore", "ignore", "inherit"] });
  try {
    install();
  } catch {
    console.log("apt-get install failed; running apt-get update first");
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
    install();
  }
  const still = missing.filter(([command]) => !found(command));
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.map(([c]) => c).join(", ")}`);
  console.log(`installed ${packages.join(", ")}`);
}

/**
 * Runs `command args` under `/usr/bin/time` and resolves to `{ ms, rss, cpuMs }`: wall-clock
 * milliseconds, the peak RSS in bytes of the largest process of the run (GNU time reports the
 * child's ru_maxrss, which covers the child and the descendants it waited for), and its CPU time
 * (user + system, ms). Rejects when the command fails.
 */
export function measureChild(command, args, env = process.env) {
  const rssFile = path.join(os.tmpdir(), `stowage-bench-rss-${process.pid}-${randomBytes(4).toString("hex")}`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(TIME, ["-f", "%M %U %S", "-o", rssFile, command, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (data) => (stderr += data));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - start;
      let [kib, user, system] = [NaN, NaN, NaN];
      try {
        [kib, user, system] = (readFileSync(rssFile, "utf8").trim().split("\n").pop() ?? "").split(" ").map(Number);
        rmSync(rssFile, { force: true });
      } catch {}
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ ms, rss: kib * 1024, cpuMs: (user + system) * 1000 });
    });
  });
}

/** The key of file `i` of a tree of `folders` folders: `d0007/f000712.bin`, sorted alike by every tool. */
export function treeKey(i, files, folders) {
  const perFolder = Math.ceil(files / folders);
  return `d${String(Math.floor(i / perFolder)).padStart(4, "0")}/f${String(i).padStart(7, "0")}.bin`;
}

/** Writes `files` files of `size` random-ish bytes into `folders` folders under `root`. */
export async function makeTree(root, { files, folders, size }) {
  const perFolder = Math.ceil(files / folders);
  for (let i = 0; i < files; i += perFolder) await mkdir(path.join(root, path.dirname(treeKey(i, files, folders))), { recursive: true });
  const pool = randomBytes(Math.max(64 * 1024, 2 * size));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files; i = next++) {
      const offset = (i * 509) % (pool.length - size);
      await writeFile(path.join(root, treeKey(i, files, folders)), pool.subarray(offset, offset + size));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/**
 * Gives the file `key` under `root` new content of the same size and a modification time newer
 * than any it had, so every tool must copy it (and only it) on the next run. Returns the content.
 */
export async function changeFile(root, key, size) {
  const content = randomBytes(size);
  const file = path.join(root, key);
  await writeFile(file, content);
  changeFile.time = Math.max(Date.now(), (changeFile.time ?? 0) + 2000);
  const mtime = new Date(changeFile.time);
  await utimes(file, mtime, mtime);
  return content;
}

/** Number of regular files under `dir`, at any depth. */
export async function countFiles(dir) {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await countFiles(path.join(dir, entry.name));
    else if (entry.isFile()) count++;
  }
  return count;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Runs `rounds` rounds of every side in turn (a, b, c, a, b, c, ...), `before(side)` untimed ahead
 * of each run and `verify(side)` untimed after it; resolves to `{ [side]: { ms, rss, ... } }`, the
 * median of each number a run measured (time, peak RSS, CPU).
 */
export async function alternate(sides, rounds, { before = async () => {}, verify = async () => {} } = {}) {
  const samples = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(sides)) {
      await before(name);
      samples[name].push(await run());
      await verify(name);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, Object.fromEntries(Object.keys(list[0]).map((key) => [key, median(list.map((m) => m[key]))]))]),
  );
}

/** Prints `target` lines: `[met]` or `[NOT met]` after each description. */
export function printTargets(targets) {
  console.log("\ntargets:");
  for (const { text, met } of targets) console.log(`  ${met ? "[met]    " : "[NOT met]"} ${text}`);
}
