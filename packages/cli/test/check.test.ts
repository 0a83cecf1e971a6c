import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { stowage } from "./helpers/run-cli.js";

/** `stowage check` between local folders, and against memory. */
describe("stowage check", () => {
  let dir: string;
  const run = (...args: string[]) => stowage(["check", ...args], { cwd: dir });
  const put = async (files: Record<string, string>): Promise<void> => {
    const time = new Date("2020-01-02T03:04:05.000Z");
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
      await utimes(join(dir, path), time, time);
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-cli-check-"));
    await put({ "a/same.txt": "same", "a/d/only-a.txt": "x", "a/changed.txt": "one", "b/same.txt": "same", "b/changed.txt": "two!", "b/only-b.txt": "y" });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 11 and counts differences; --list names each", async () => {
    const result = await run("--list", "a", "b");
    expect(result.code).toBe(EXIT_CODES.differ);
    expect(result.out.split("\n").filter(Boolean).sort()).toEqual([
      "1 matched, 1 only in A, 1 only in B, 1 differing",
      "differs: changed.txt",
      "only in A: d/only-a.txt",
      "only in B: only-b.txt",
    ]);
    expect(result.stderr).toContain("differ in 3 file(s)");
  });

  it("--json prints the counts; with --list, JSON lines then the report", async () => {
    const counts = await run("--json", "a", "b");
    expect(counts.code).toBe(EXIT_CODES.differ);
    expect(JSON.parse(counts.out)).toEqual({ matched: 1, onlyInA: 1, onlyInB: 1, differing: 1, excluded: 0, ignored: 0 });
    const lines = (await run("--json", "--list", "a", "b")).out.trim().split("\n").map((line) => JSON.parse(line) as { type: string });
    expect(lines.slice(0, -1).map((line) => line.type).sort()).toEqual(["differs", "only-in-a", "only-in-b"]);
    expect(lines.at(-1)).toMatchObject({ type: "report", matched: 1 });
  });

  it("exits 0 after a sync, and --one-way accepts extras in B", async () => {
    expect((await stowage(["sync", "a", "b"], { cwd: dir })).code).toBe(0);
    const same = await run("--json", "a", "b");
    expect(same.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(same.out)).toMatchObject({ matched: 3, onlyInA: 0, onlyInB: 0, differing: 0 });
    await put({ "b/extra.txt": "e" });
    expect((await run("a", "b")).code).toBe(EXIT_CODES.differ);
    expect((await run("--one-way", "a", "b")).code).toBe(EXIT_CODES.ok);
  });

  it("--exclude, --include and --exclude-from leave files out of the comparison, as sync's filters do", async () => {
    await writeFile(join(dir, "rules.txt"), "only-b.txt\n");
    const filtered = await run("--json", "--exclude", "changed.txt", "--exclude-from", "rules.txt", "--exclude", "d/", "a", "b");
    expect(filtered.code).toBe(EXIT_CODES.ok);
    // changed.txt (on both sides, counted once) and only-b.txt; the excluded folder d/ is not even walked.
    expect(JSON.parse(filtered.out)).toMatchObject({ matched: 1, onlyInA: 0, onlyInB: 0, differing: 0, excluded: 2, excludedFolders: 1 });
    const included = await run("--include", "same.txt", "a", "b");
    expect(included.code).toBe(EXIT_CODES.ok);
    expect(included.out).toMatch(/^1 matched, 0 only in A, 0 only in B, 0 differing, \d+ excluded\n$/);
  });

  it("says when filters left a folder out, so a match is not mistaken for a whole one", async () => {
    const result = await run("--exclude", "d/", "--exclude", "changed.txt", "--exclude", "only-b.txt", "a", "b");
    expect(result.code).toBe(EXIT_CODES.ok);
    // a/d/only-a.txt is missing from b: the summary says a folder was not compared.
    expect(result.out).toBe("1 matched, 0 only in A, 0 only in B, 0 differing, 2 excluded, 1 excluded folder (not compared)\n");
  });

  it("--checksum sees equal size and time with different bytes", async () => {
    await put({ "a/same.txt": "SAME" });
    expect((await run("--one-way", "--json", "a", "b")).out).toContain('"differing": 1');
    const byContent = await run("--checksum", "--json", "a", "b");
    expect(JSON.parse(byContent.out)).toMatchObject({ differing: 2 });
  });

  it("compares a local folder with memory (every file only in A), and rejects overlaps with exit 4", async () => {
    const result = await run("--json", "a", "memory://");
    expect(result.code).toBe(EXIT_CODES.differ);
    expect(JSON.parse(result.out)).toMatchObject({ onlyInA: 3, matched: 0 });
    expect((await run("a", "a/d")).code).toBe(EXIT_CODES.invalidPath);
    expect((await run("--concurrency", "0", "a", "b")).code).toBe(EXIT_CODES.usage);
  });
});
