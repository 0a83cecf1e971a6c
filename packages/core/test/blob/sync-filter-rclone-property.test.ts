import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filterPatternProblem, rcloneFilterRules, SyncFilter, type RcloneFilterFlags } from "../../src/index.js";

/**
 * Issue 24 item 2: stowage's filters keep the files the real rclone keeps. (Names with control
 * characters are left out: rclone's local backend shows `\r` as `␍`, a naming matter, not a filter one.) Random small trees and
 * random rules, from a fixed seed printed below; each case runs `rclone lsjson --files-only -R`
 * (Debian's rclone 1.60, installed by scripts/setup.sh) with the same flags on the same tree.
 */
const SEED = 20_241_206;
const CASES = 200;

const run = promisify(execFile);

/** mulberry32: a small PRNG whose sequence a seed fixes. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = ["a", "b", "ab", "a.txt", "b.jpg", "build", "node_modules", "x (1).txt", "[w] TII", "!a", "é", "😀.txt", "c,d", "{a}", ".hidden", "a b", "keep.txt", "+x", "a\\b"];
const SEGMENTS = [...NAMES, "*", "*", "?", "*.txt", "[ab]", "[!a]*", "{a,b}", "{a,build}", "a*", "\\(x\\)*", "**", "**", "{{[ab]+}}", "[[:alpha:]]*", "?*.jpg", "\\[w\\] TII", "{{.*b}}", "[^a]*", "a\\\\b", "*\\.txt", "{{a|b}}"];

interface Tree {
  files: string[];
  folders: string[];
}

function randomTree(random: () => number): Tree {
  const tree: Tree = { files: [], folders: [] };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const fill = (folder: string, depth: number): void => {
    const used = new Set<string>();
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const name = pick(NAMES);
      if (used.has(name)) continue;
      used.add(name);
      const path = folder === "" ? name : `${folder}/${name}`;
      if (depth < 3 && random() < 0.4) {
        tree.folders.push(path);
        fill(path, depth + 1);
      } else {
        tree.files.push(path);
      }
    }
  };
  fill("", 0);
  return tree;
}

function randomPattern(random: () => number): string {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const segments = Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(SEGMENTS));
  return `${random() < 0.4 ? "/" : ""}${segments.join("/")}${random() < 0.25 ? "/" : ""}`;
}

/** Flags in a random command-line order, and the same flags by kind for {@link rcloneFilterRules}. */
function randomFlags(random: () => number): { args: string[]; flags: Required<RcloneFilterFlags> } {
  const flags = { include: [] as string[], exclude: [] as string[], filter: [] as string[] };
  const args: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const kind = random();
    const pattern = randomPattern(random);
    if (kind < 0.3) {
      flags.include.push(pattern);
      args.push("--include", pattern);
    } else if (kind < 0.6) {
      flags.exclude.push(pattern);
      args.push("--exclude", pattern);
    } else {
      const line = random() < 0.05 ? "!" : `${random() < 0.5 ? "+" : "-"} ${pattern}`;
      flags.filter.push(line);
      args.push("--filter", line);
    }
  }
  return { args, flags };
}

/** What a sync's folder walk keeps: folders the filter lets it into, files it includes. */
function stowageFiles(filter: SyncFilter, tree: Tree): string[] {
  const pruned = tree.folders.filter((folder) => !filter.descend(folder));
  const below = (path: string): boolean => pruned.some((folder) => path.startsWith(`${folder}/`));
  return tree.files.filter((file) => !below(file) && filter.includes(file)).sort();
}

async function rcloneFiles(root: string, args: string[]): Promise<{ files?: string[]; failed?: string }> {
  try {
    const { stdout } = await run("rclone", ["--config", "/dev/null", "lsjson", "--files-only", "-R", ...args, root], { maxBuffer: 1 << 24 });
    return { files: (JSON.parse(stdout) as { Path: string }[]).map((entry) => entry.Path).sort() };
  } catch (error) {
    return { failed: String((error as { stderr?: string }).stderr ?? error) };
  }
}

describe(`stowage's filters against the real rclone (seed ${SEED}, ${CASES} trees)`, () => {
  let dir: string;
  beforeAll(async () => {
    // Not skipped when rclone is missing: scripts/setup.sh installs it, and this test must run it.
    const { stdout } = await run("rclone", ["version"]);
    expect(stdout).toMatch(/^rclone v1\.60\./);
    dir = await mkdtemp(join(tmpdir(), "stowage-rclone-filters-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses what rclone refuses, and a known few rclone accepts", async () => {
    const root = join(dir, "refusals");
    await mkdir(root, { recursive: true });
    await writeFile(join(root, "a"), "x");
    // rclone refuses these too (RE2 or its glob parser).
    for (const pattern of ["{a,{b}}", "[z-a]", "***", "[]", "[[:foo:]]", "ab]c", "{{a{2000}}}", "{{.*}"]) {
      expect((await rcloneFiles(root, ["--exclude", pattern])).failed, pattern).toBeDefined();
      expect(filterPatternProblem(pattern), pattern).toBeDefined();
    }
    // rclone accepts these; stowage refuses them: (?i) and \p have no JS equivalent here, and the
    // others match no key (a trailing \ makes rclone's closing $ a literal '$').
    for (const pattern of ["{{(?i)a}}", "{{\\pL}}", "a//b", "a\\"]) {
      expect((await rcloneFiles(root, ["--exclude", pattern])).failed, pattern).toBeUndefined();
      expect(filterPatternProblem(pattern), pattern).toBeDefined();
    }
  });

  it("keeps exactly the files rclone lsjson lists", { timeout: 600_000 }, async () => {
    console.log(`rclone filter property test: seed ${SEED}, ${CASES} cases`);
    const random = prng(SEED);
    const tally = { compared: 0, refusedByBoth: 0, files: 0, kept: 0, mixedWarnings: 0 };
    for (let i = 0; i < CASES; i++) {
      const tree = randomTree(random);
      const { args, flags } = randomFlags(random);
      const root = join(dir, String(i));
      for (const folder of tree.folders) await mkdir(join(root, folder), { recursive: true });
      await mkdir(root, { recursive: true });
      for (const file of tree.files) await writeFile(join(root, file), "x");
      const rclone = await rcloneFiles(root, args);
      const what = `case ${i} (seed ${SEED}): rclone lsjson --files-only -R ${JSON.stringify(args)} on ${JSON.stringify(tree.files)}`;
      const patterns = [...flags.include, ...flags.exclude, ...flags.filter.filter((line) => line !== "!").map((line) => line.slice(2))];
      const problems = patterns.map((pattern) => filterPatternProblem(pattern)).filter((problem) => problem !== undefined);
      if (problems.length > 0) {
        expect(rclone.failed, `${what}: stowage refuses (${problems.join("; ")}) but rclone listed`).toBeDefined();
        tally.refusedByBoth++;
        continue;
      }
      expect(rclone.failed, what).toBeUndefined();
      const { rules, warning } = rcloneFilterRules(flags);
      if (warning !== undefined) tally.mixedWarnings++;
      expect(stowageFiles(new SyncFilter(rules), tree), what).toEqual(rclone.files);
      tally.compared++;
      tally.files += tree.files.length;
      tally.kept += rclone.files!.length;
    }
    console.log(`rclone filter property test: ${JSON.stringify(tally)}`);
    expect(tally.compared).toBeGreaterThan(CASES / 2);
  });
});
