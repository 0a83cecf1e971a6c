import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { stowage } from "./helpers/run-cli.js";

/** `stowage sync` between two local folders with --exclude, --include, --exclude-from and --max-delete. */
describe("sync filters and --max-delete", () => {
  let dir: string;
  const run = (...args: string[]) => stowage(["sync", ...args], { cwd: dir });
  const put = async (files: Record<string, string>): Promise<void> => {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  };
  const tree = async (folder: string): Promise<string[]> =>
    (await readdir(join(dir, folder), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(join(dir, folder).length + 1))
      .sort();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-cli-filters-"));
    await put({
      "src/a.txt": "a",
      "src/secret.txt": "s",
      "src/b.tmp": "b",
      "src/node_modules/p/i.js": "i",
      "src/lib/c.js": "c",
      "dst/old.tmp": "o",
      "dst/node_modules/keep.js": "k",
    });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("--exclude leaves files out on both sides, and --json counts them", async () => {
    const result = await run("--json", "--exclude", "node_modules/", "--exclude", "*.tmp", "src", "dst");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ copied: 3, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 2, bytesCopied: 3, dryRun: false });
    expect(await tree("dst")).toEqual(["a.txt", "lib/c.js", "node_modules/keep.js", "old.tmp", "secret.txt"]);
    const human = await run("--exclude", "node_modules/", "--exclude", "*.tmp", "src", "dst");
    expect(human.out).toBe("copied 0 files (0 B), skipped 3 unchanged, deleted 0, excluded 2\n");
  });

  it("--include and --exclude apply in command-line order, first match wins", async () => {
    const includeFirst = await run("--json", "--dry-run", "--include", "*.txt", "--exclude", "secret*", "src", "dst");
    expect(JSON.parse(includeFirst.out)).toMatchObject({ copied: 2 });
    const excludeFirst = await run("--json", "--exclude", "secret*", "--include", "*.txt", "src", "dst");
    expect(excludeFirst.code).toBe(0);
    expect(JSON.parse(excludeFirst.out)).toMatchObject({ copied: 1, deleted: 0 });
    expect(await tree("dst")).toEqual(["a.txt", "node_modules/keep.js", "old.tmp"]);
  });

  it("--exclude-from reads one pattern per line, skipping blanks and comments, in its place among the rules", async () => {
    await writeFile(join(dir, "rules.txt"), "# build output\nnode_modules/\n\n; scratch\n  *.tmp  \n");
    // An --include before the file's `*.tmp` wins over it (and, being an include, leaves out the rest).
    const before = await run("--json", "--dry-run", "--list", "--include", "b.tmp", "--exclude-from", "rules.txt", "src", "dst");
    expect(before.out.split("\n")[0]).toBe(JSON.stringify({ type: "copy", path: "b.tmp", bytes: 1 }));
    expect(JSON.parse(before.out.trim().split("\n").at(-1) ?? "")).toMatchObject({ type: "report", copied: 1 });
    const result = await run("--json", "--exclude-from", "rules.txt", "--exclude", "lib/", "src", "dst");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ copied: 2, deleted: 0, excluded: 2 });
    expect(await tree("dst")).toEqual(["a.txt", "node_modules/keep.js", "old.tmp", "secret.txt"]);
    const missing = await run("--exclude-from", "nope.txt", "src", "dst");
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toMatch(/--exclude-from: cannot read 'nope.txt'/);
  });

  it("--max-delete: over the limit, exit 10, nothing deleted, copies done; --json says how many", async () => {
    const over = await run("--json", "--max-delete", "1", "src", "dst");
    expect(over.code).toBe(EXIT_CODES.maxDelete);
    expect(over.code).toBe(10);
    expect(JSON.parse(over.out)).toMatchObject({ copied: 5, deleted: 0, stage: "max-delete", deleteCount: 2, failureCount: 0, failures: [] });
    expect(over.stderr).toMatch(/would delete 2 file\(s\), more than maxDelete \(1\), so it deleted none/);
    expect(await tree("dst")).toEqual(["a.txt", "b.tmp", "lib/c.js", "node_modules/keep.js", "node_modules/p/i.js", "old.tmp", "secret.txt"]);
    const within = await run("--max-delete", "2", "src", "dst");
    expect(within.code).toBe(0);
    expect(await tree("dst")).toEqual(["a.txt", "b.tmp", "lib/c.js", "node_modules/p/i.js", "secret.txt"]);
  });

  it("rejects a --max-delete that is not a whole number, and keeps the empty-source guard", async () => {
    for (const bad of ["-1", "1.5", "many"]) {
      const result = await run("--max-delete", bad, "src", "dst");
      expect(result.code).toBe(EXIT_CODES.usage);
    }
    await mkdir(join(dir, "empty"));
    const empty = await run("--max-delete", "100", "--exclude", "*.tmp", "empty", "dst");
    expect(empty.code).toBe(EXIT_CODES.usage);
    expect(empty.stderr).toMatch(/has no files, so sync would empty the destination/);
    expect(await tree("dst")).toEqual(["node_modules/keep.js", "old.tmp"]);
  });
});
