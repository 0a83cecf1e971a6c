// `stowage sync` local → local at scale, through the CLI, against `rclone sync` and `rsync -a --delete`
// (issue 11): 100,000 files of 512 B in 1,000 folders, a first run into an empty target, then
// no-op runs that each follow a change to one source file. Every tool runs as a child process;
// times are medians of alternating runs, RSS is each child's peak (`/usr/bin/time -f %M`).
// A measurement, never a test: it fails only when a tool fails or leaves a wrong target.
import { readFile, rm } from "node:fs/promises";
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
} from "./env.mjs";

const FILES = Math.max(100, Math.round(100_000 * SCALE));
const FOLDERS = Math.max(1, Math.round(1_000 * SCALE));
const SIZE = 512;
const MAX_RSS = 100 * 1024 * 1024;

ensureTools({ rsync: "rsync", rclone: "rclone", "/usr/bin/time": "time" });
printLoad();
const dir = scratch("sync-scale");
const src = path.join(dir, "src");
await makeTree(src, { files: FILES, folders: FOLDERS, size: SIZE });
console.log(`${FILES} files of ${SIZE} B in ${FOLDERS} folders`);

const target = (name) => path.join(dir, `dst-${name}`);
const rcloneEnv = { ...process.env, RCLONE_CONFIG: "/dev/null" };
const stowage = (dst) => () => measureChild(process.execPath, [BIN, "sync", "--quiet", src, dst]);
const rclone = () => measureChild("rclone", ["sync", src, target("rclone")], rcloneEnv);
const rsync = () => measureChild("rsync", ["-a", "--delete", `${src}/`, `${target("rsync")}/`]);
const targetOf = {
  "stowage-fast": target("stowage-fast"),
  stowage: target("stowage"),
  rclone: target("rclone"),
  rsync: target("rsync"),
};

/** The target must hold every file, and `key` with the source's content: nobody wins by doing less. */
async function verify(side, key, expected) {
  const count = await countFiles(targetOf[side]);
  if (count !== FILES) throw new Error(`${side}: target holds ${count} files, the source ${FILES}`);
  const copy = await readFile(path.join(targetOf[side], key));
  if (!copy.equals(expected)) throw new Error(`${side}: ${key} differs from the source`);
}

// First run into an empty target. The first round is untimed: it warms the page cache (source
// tree, the tools' binaries and modules) for every side alike.
const firstSides = {
  "stowage-fast": stowage(`${pathToFileURL(targetOf["stowage-fast"]).href}?durable=false`),
  stowage: stowage(targetOf.stowage),
  rclone,
  rsync,
};
const lastKey = treeKey(FILES - 1, FILES, FOLDERS);
const lastContent = await readFile(path.join(src, lastKey));
const firstHooks = {
  before: async (side) => {
    await rm(targetOf[side], { recursive: true, force: true });
    settle(dir);
  },
  verify: (side) => verify(side, lastKey, lastContent),
};
await alternate(firstSides, 1, firstHooks);
const first = await alternate(firstSides, RUNS, firstHooks);

// No-op: every side's target is complete; before each run one source file changes (same size,
// new content, newer mtime), so each run copies that one file and skips all others.
const changedKey = treeKey(Math.floor(FILES / 2), FILES, FOLDERS);
let changed;
const noopSides = { stowage: firstSides.stowage, rclone, rsync };
const noopHooks = {
  before: async () => {
    changed = await changeFile(src, changedKey, SIZE);
    settle(dir);
  },
  verify: (side) => verify(side, changedKey, changed),
};
await alternate(noopSides, 1, noopHooks);
const noop = await alternate(noopSides, RUNS, noopHooks);

const rows = [
  ["first run, durable=false", first["stowage-fast"], first.rclone, first.rsync],
  ["first run, durable (default)", first.stowage, first.rclone, first.rsync],
  ["no-op after 1 change", noop.stowage, noop.rclone, noop.rsync],
];
console.log(`\n## local → local, ${FILES} files of ${SIZE} B (median of ${RUNS} alternating runs; ratio = stowage time / tool time)`);
console.log(
  `${"case".padEnd(30)}${"stowage".padStart(10)}${"rclone".padStart(10)}${"rsync".padStart(10)}${"/rclone".padStart(9)}${"/rsync".padStart(9)}   peak RSS stowage | rclone | rsync`,
);
for (const [name, s, rc, rs] of rows) {
  console.log(
    `${name.padEnd(30)}${seconds(s.ms).padStart(10)}${seconds(rc.ms).padStart(10)}${seconds(rs.ms).padStart(10)}${`${(s.ms / rc.ms).toFixed(2)}x`.padStart(9)}${`${(s.ms / rs.ms).toFixed(2)}x`.padStart(9)}   ${mib(s.rss)} | ${mib(rc.rss)} | ${mib(rs.rss)}`,
  );
}
const peak = Math.max(first["stowage-fast"].rss, first.stowage.rss, noop.stowage.rss);
printTargets([
  { text: `first run, durable=false <= 1.0x rclone (${(first["stowage-fast"].ms / first.rclone.ms).toFixed(2)}x)`, met: first["stowage-fast"].ms <= first.rclone.ms },
  { text: `first run, durable <= 1.5x rclone (${(first.stowage.ms / first.rclone.ms).toFixed(2)}x)`, met: first.stowage.ms <= 1.5 * first.rclone.ms },
  { text: `no-op <= 1.0x rclone (${(noop.stowage.ms / noop.rclone.ms).toFixed(2)}x)`, met: noop.stowage.ms <= noop.rclone.ms },
  { text: `no-op <= 2.0x rsync (${(noop.stowage.ms / noop.rsync.ms).toFixed(2)}x)`, met: noop.stowage.ms <= 2 * noop.rsync.ms },
  { text: `stowage peak RSS <= 100 MiB (${mib(peak)}, the largest of the three cases)`, met: peak <= MAX_RSS },
]);
