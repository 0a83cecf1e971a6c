// sync of many small files between TWO roots (two backend instances, as the CLI opens them) into an
// empty folder, then a no-op re-sync after one file changed, vs `rsync -a` on the same tree.
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { utimes } from "node:fs/promises";
import { mapLimit, syncStorages } from "@stowage/core";
import { measure, printComparison } from "@stowage/testkit/bench";
import { LocalFileSystemBackend } from "../dist/index.js";
import { SCALE, printLoad, scratch, settle } from "./env.mjs";

const run = promisify(execFile);
const dir = scratch("sync");
const FILES = Math.max(10, Math.round(10_000 * SCALE));
const PER_FOLDER = 100;

async function makeTree(root) {
  const pool = randomFillSync(Buffer.allocUnsafe(64 * 1024));
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const files = Array.from({ length: FILES }, (_, i) => ({
    file: path.join(root, `d${String(Math.floor(i / PER_FOLDER)).padStart(3, "0")}`, `f${i}.bin`),
    size: 1024 + Math.floor(random() * 63 * 1024),
  }));
  let bytes = 0;
  await mapLimit(files, 16, async ({ file, size }) => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, pool.subarray(0, size));
    bytes += size;
  });
  return bytes;
}

async function rsyncAvailable() {
  try {
    await run("rsync", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

printLoad();
const root = path.join(dir, "store");
const bytes = await makeTree(path.join(root, "src"));
console.log(`${FILES} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const hasRsync = await rsyncAvailable();
const baselineName = hasRsync ? "rsync -a" : "fs.cp (rsync is not installed)";
const baseline = hasRsync
  ? (target) => run("rsync", ["-a", `${path.join(root, "src")}/`, `${target}/`])
  : (target) => cp(path.join(root, "src"), target, { recursive: true, force: false, errorOnExist: false });

/** The fastest of a few runs: a no-op is short, so one run mostly measures the machine's noise. */
async function best(runs, fn) {
  let fastest;
  for (let i = 0; i < runs; i++) {
    const m = await measure(fn);
    if (fastest === undefined || m.ms < fastest.ms) fastest = m;
  }
  return fastest;
}

/** Rewrites one source file with the same size and a newer mtime: the no-op run must copy it, and only it. */
let touches = 0;
async function touchOne() {
  const file = path.join(root, "src", "d000", "f0.bin");
  const later = new Date(Date.now() + ++touches * 1000);
  await utimes(file, later, later);
}

settle(dir);
const baseFirst = await measure(() => baseline(path.join(dir, "rsync-dst")));
settle(dir);
const baseAgain = await best(3, async () => {
  await touchOne();
  await baseline(path.join(dir, "rsync-dst"));
});
const source = new LocalFileSystemBackend({ location: root });
const rows = [];
for (const [name, durable] of [
  ["durable: false", false],
  ["durable (fsync)", true],
]) {
  const target = new LocalFileSystemBackend({ location: path.join(dir, `target-${durable}`), durable });
  const first = await measure(async () => {
    const report = await syncStorages(source, "src", target, "");
    if (report.copied !== FILES) throw new Error(`copied ${report.copied} of ${FILES}`);
  });
  settle(dir);
  const again = await best(3, async () => {
    await touchOne();
    const report = await syncStorages(source, "src", target, "");
    if (report.copied !== 1 || report.skipped !== FILES - 1) throw new Error(`copied ${report.copied}, skipped ${report.skipped}`);
  });
  rows.push(
    { name: `first sync, ${name}`, subject: first, baseline: baseFirst, ops: FILES, target: 0.67 },
    { name: `no-op re-sync (1 file changed), ${name}`, subject: again, baseline: baseAgain, ops: FILES, target: 1 },
  );
}
printComparison(`local: sync ${FILES} files of 1-64 KiB between two roots (baseline: ${baselineName})`, rows);
