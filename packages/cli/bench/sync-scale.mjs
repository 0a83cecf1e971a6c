// `stowage sync` local → local at scale, through the CLI, against `rclone sync` and `rsync -a --delete`
// with their default flags (issues 11 and 27). Two trees: 100,000 files of 512 B in 1,000 folders,
// and 10,000 files of 64 KiB in 100 folders (so bigger files are not slowed by what helps tiny
// ones). For each: a first run into an empty target (durable=false and the default durable), then
// no-op runs that each follow one change to one source file: same size, new content and a newer
// mtime; then the same after a rollback to an older mtime. Every tool runs as a child process;
// the filesystem is flushed (`sync -f`, untimed) before every timed run, so no side pays for
// another's writeback; times are medians of alternating runs, RSS is each child's peak
// (`/usr/bin/time -f %M`). STOWAGE_BENCH_SCALE shrinks the file counts (0.1 for a short run).
// A measurement, never a test: it fails only when a tool fails or leaves a wrong target.
import { randomBytes } from "node:crypto";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  BIN,
  RUNS,
  SCALE,
  alternate,
  changeFile,
  countFiles,
  ensureTools,
  makeTree,
  measureChild,
  mib,
  printLoad,
  printTargets,
  scratch,
  seconds,
  settle,
  treeKey,
  warm,
} from "./env.mjs";
import os from "node:os";

const MAX_RSS = 100 * 1024 * 1024;
const SHAPES = [
  { files: Math.max(100, Math.round(100_000 * SCALE)), folders: Math.max(1, Math.round(1_000 * SCALE)), size: 512 },
  { files: Math.max(100, Math.round(10_000 * SCALE)), folders: Math.max(1, Math.round(100 * SCALE)), size: 64 * 1024 },
];

ensureTools({ rsync: "rsync", rclone: "rclone", "/usr/bin/time": "time" });
printLoad();
const dir = scratch("sync-scale");
const rcloneEnv = { ...process.env, RCLONE_CONFIG: "/dev/null" };
const targets = [];

/**
 * Gives `key` new content of the same size and an mtime older than any it had (a rollback to an
 * older copy): every tool must copy it, since the quick check compares mtimes both ways.
 */
async function rollBackFile(root, key, size) {
  const content = randomBytes(size);
  const file = path.join(root, key);
  await writeFile(file, content);
  rollBackFile.time = (rollBackFile.time ?? Date.now() - 365 * 24 * 3600 * 1000) - 2000;
  const mtime = new Date(rollBackFile.time);
  await utimes(file, mtime, mtime);
  return content;
}

for (const { files, folders, size } of SHAPES) {
  const shape = path.join(dir, `${files}x${size}`);
  const src = path.join(shape, "src");
  await makeTree(src, { files, folders, size });
  const label = `${files} files of ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`} in ${folders} folders`;
  console.log(`\n${label}`);

  const target = (name) => path.join(shape, `dst-${name}`);
  const targetOf = { "stowage-fast": target("stowage-fast"), stowage: target("stowage"), rclone: target("rclone"), rsync: target("rsync") };
  const stowage = (dst) => () => measureChild(process.execPath, [BIN, "sync", "--quiet", src, dst]);
  const rclone = () => measureChild("rclone", ["sync", src, targetOf.rclone], rcloneEnv);
  const rsync = () => measureChild("rsync", ["-a", "--delete", `${src}/`, `${targetOf.rsync}/`]);

  /** The target must hold every file, and `key` with the source's content: nobody wins by doing less. */
  const verify = async (side, key, expected) => {
    const count = await countFiles(targetOf[side]);
    if (count !== files) throw new Error(`${side}: target holds ${count} files, the source ${files}`);
    const copy = await readFile(path.join(targetOf[side], key));
    if (!copy.equals(expected)) throw new Error(`${side}: ${key} differs from the source`);
  };

  // First run into an empty target. The first round is untimed: it warms the page cache (source
  // tree, the tools' binaries and modules) for every side alike.
  const firstSides = {
    "stowage-fast": stowage(`${pathToFileURL(targetOf["stowage-fast"]).href}?durable=false`),
    stowage: stowage(targetOf.stowage),
    rclone,
    rsync,
  };
  const lastKey = treeKey(files - 1, files, folders);
  const lastContent = await readFile(path.join(src, lastKey));
  const firstHooks = {
    before: async (side) => {
      await rm(targetOf[side], { recursive: true, force: true });
      settle(shape);
      warm(src);
    },
    verify: (side) => verify(side, lastKey, lastContent),
  };
  await alternate(firstSides, 1, firstHooks);
  const first = await alternate(firstSides, RUNS, firstHooks);

  // No-op: every side's target is complete; before each run one source file changes, so each run
  // copies that one file and skips all others.
  const changedKey = treeKey(Math.floor(files / 2), files, folders);
  const noopSides = { stowage: firstSides.stowage, rclone, rsync };
  const noopAfter = async (change) => {
    let changed;
    const hooks = {
      before: async () => {
        changed = await change(src, changedKey, size);
        settle(shape);
        warm(src);
      },
      verify: (side) => verify(side, changedKey, changed),
    };
    await alternate(noopSides, 1, hooks);
    return alternate(noopSides, RUNS, hooks);
  };
  const newer = await noopAfter(changeFile);
  const older = await noopAfter(rollBackFile);

  const rows = [
    ["first run, durable=false", first["stowage-fast"], first.rclone, first.rsync],
    ["first run, durable (default)", first.stowage, first.rclone, first.rsync],
    ["no-op after 1 newer change", newer.stowage, newer.rclone, newer.rsync],
    ["no-op after 1 rollback", older.stowage, older.rclone, older.rsync],
  ];
  console.log(`## local → local, ${label} (median of ${RUNS} alternating runs; ratio = stowage time / tool time; load now ${os.loadavg()[0].toFixed(2)})`);
  console.log(
    `${"case".padEnd(30)}${"stowage".padStart(10)}${"rclone".padStart(10)}${"rsync".padStart(10)}${"/rclone".padStart(9)}${"/rsync".padStart(9)}   peak RSS stowage | rclone | rsync`,
  );
  for (const [name, s, rc, rs] of rows) {
    console.log(
      `${name.padEnd(30)}${seconds(s.ms).padStart(10)}${seconds(rc.ms).padStart(10)}${seconds(rs.ms).padStart(10)}${`${(s.ms / rc.ms).toFixed(2)}x`.padStart(9)}${`${(s.ms / rs.ms).toFixed(2)}x`.padStart(9)}   ${mib(s.rss)} | ${mib(rc.rss)} | ${mib(rs.rss)}`,
    );
  }
  const ratio = (a, b) => `${(a.ms / b.ms).toFixed(2)}x`;
  const peak = Math.max(first["stowage-fast"].rss, first.stowage.rss, newer.stowage.rss, older.stowage.rss);
  targets.push(
    { text: `${label}: first run, durable=false <= 1.0x rclone (${ratio(first["stowage-fast"], first.rclone)})`, met: first["stowage-fast"].ms <= first.rclone.ms },
    { text: `${label}: first run, durable <= 1.5x rclone (${ratio(first.stowage, first.rclone)})`, met: first.stowage.ms <= 1.5 * first.rclone.ms },
    { text: `${label}: no-op after a newer change <= 1.0x rclone (${ratio(newer.stowage, newer.rclone)})`, met: newer.stowage.ms <= newer.rclone.ms },
    { text: `${label}: no-op after a newer change <= 2.0x rsync (${ratio(newer.stowage, newer.rsync)})`, met: newer.stowage.ms <= 2 * newer.rsync.ms },
    { text: `${label}: no-op after a rollback <= 1.0x rclone (${ratio(older.stowage, older.rclone)})`, met: older.stowage.ms <= older.rclone.ms },
    { text: `${label}: no-op after a rollback <= 2.0x rsync (${ratio(older.stowage, older.rsync)})`, met: older.stowage.ms <= 2 * older.rsync.ms },
    { text: `${label}: stowage peak RSS <= 100 MiB (${mib(peak)}, the largest of the four cases)`, met: peak <= MAX_RSS },
  );
  await rm(shape, { recursive: true, force: true });
}
printLoad();
printTargets(targets);
