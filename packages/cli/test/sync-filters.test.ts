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
    // b.tmp and old.tmp are files; node_modules/ (on both sides, counted once) a folder not walked.
    expect(JSON.parse(result.out)).toEqual({ copied: 3, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 2, excludedFolders: 1, bytesCopied: 3, dryRun: false });
    expect(await tree("dst")).toEqual(["a.txt", "lib/c.js", "node_modules/keep.js", "old.tmp", "secret.txt"]);
    const human = await run("--exclude", "node_modules/", "--exclude", "*.tmp", "src", "dst");
    expect(human.out).toBe("copied 0 files (0 B), skipped 3 unchanged, deleted 0, excluded 2, excluded 1 folder\n");
  });

  it("rclone's order, not the command line's: includes, then excludes, then --filter; mixing warns as rclone does", async () => {
    const warning = "Using --filter is recommended instead of both --include and --exclude as the order they are parsed in is indeterminate\n";
    const includeFirst = await run("--json", "--dry-run", "--include", "*.txt", "--exclude", "secret*", "src", "dst");
    expect(JSON.parse(includeFirst.out)).toMatchObject({ copied: 2 });
    expect(includeFirst.stderr).toBe(warning);
    const excludeFirst = await run("--json", "--exclude", "*.txt", "--include", "a.txt", "src", "dst");
    expect(excludeFirst.code).toBe(0);
    expect(excludeFirst.stderr).toBe(warning);
    expect(JSON.parse(excludeFirst.out)).toMatchObject({ copied: 1, deleted: 0 });
    expect(await tree("dst")).toEqual(["a.txt", "node_modules/keep.js", "old.tmp"]);
  });

  it("--filter and --filter-from take + and - rules after --include/--exclude, ! clears, and + adds no implicit exclude", async () => {
    await writeFile(join(dir, "filters.txt"), "# keep text\n+ *.txt\n- secret.txt\n");
    const plus = await run("--json", "--dry-run", "--list", "--filter", "+ a.txt", "--filter", "- *.txt", "src", "dst");
    expect(plus.code).toBe(0);
    expect(plus.stderr).toBe("");
    const copies = (out: string): string[] =>
      out.trim().split("\n").map((line) => JSON.parse(line) as { type: string; path: string }).filter((line) => line.type === "copy").map((line) => line.path).sort();
    expect(copies(plus.out)).toEqual(["a.txt", "b.tmp", "lib/c.js", "node_modules/p/i.js"]);
    const fromFile = await run("--json", "--dry-run", "--list", "--filter-from", "filters.txt", "--exclude", "a.txt", "src", "dst");
    // --exclude a.txt comes first whatever the order given; the file's + *.txt then keeps secret.txt.
    expect(copies(fromFile.out)).toEqual(["b.tmp", "lib/c.js", "node_modules/p/i.js", "secret.txt"]);
    const cleared = await run("--json", "--dry-run", "--list", "--exclude", "*", "--filter", "!", "--filter", "- *.tmp", "src", "dst");
    expect(copies(cleared.out)).toEqual(["a.txt", "lib/c.js", "node_modules/p/i.js", "secret.txt"]);
    const stdin = await stowage(["sync", "--json", "--dry-run", "--filter-from", "-", "src", "dst"], { cwd: dir, input: "- *.tmp\n- /node_modules/**\n" });
    expect(JSON.parse(stdin.out)).toMatchObject({ copied: 3, excluded: 2, excludedFolders: 1 });
    const bad = await run("--filter", "*.tmp", "src", "dst");
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.stderr).toMatch(/^stowage: --filter '\*\.tmp' is not a filter rule: write '\+ PATTERN', '- PATTERN' or '!'/);
  });

  it("--include-from, --exclude-from and --files-from read files; --files-from refuses other filters, as rclone", async () => {
    await writeFile(join(dir, "inc.txt"), "*.js\n");
    await writeFile(join(dir, "files.txt"), "# exact paths\na.txt\n/lib/c.js\nmissing.txt\n");
    const included = await run("--json", "--dry-run", "--include-from", "inc.txt", "src", "dst");
    // node_modules/keep.js matches *.js too: only in the destination, so it would be deleted.
    expect(JSON.parse(included.out)).toMatchObject({ copied: 2, deleted: 1 });
    const listed = await run("--json", "--files-from", "files.txt", "src", "dst");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject({ copied: 2, deleted: 0 });
    expect(await tree("dst")).toEqual(["a.txt", "lib/c.js", "node_modules/keep.js", "old.tmp"]);
    const mixed = await run("--files-from", "files.txt", "--exclude", "*.tmp", "src", "dst");
    expect(mixed.code).toBe(EXIT_CODES.usage);
    expect(mixed.stderr).toMatch(/--files-from overrides all other filters, it should be used alone \(given with --exclude\)/);
  });

  it("--help describes rclone's order, not the command line's", async () => {
    const help = await stowage(["sync", "--help"]);
    expect(help.out).toMatch(/rclone's order, not the command\s+line's/);
    expect(help.out).not.toMatch(/apply in command-line order/);
    for (const flag of ["--filter <rule>", "--filter-from <file>", "--include-from <file>", "--files-from <file>"]) expect(help.out).toContain(flag);
  });

  it("a rule ending in / or /** never catches a file of that name", async () => {
    await put({ "src/build": "file", "src/lib/node_modules": "file", "src/out/build/x.js": "x" });
    const result = await run("--json", "--dry-run", "--list", "--exclude", "/build/**", "--exclude", "node_modules/", "--exclude", "out/", "src", "dst");
    const copies = result.out.trim().split("\n").map((line) => JSON.parse(line) as { type: string; path: string }).filter((line) => line.type === "copy").map((line) => line.path).sort();
    expect(copies).toEqual(["a.txt", "b.tmp", "build", "lib/c.js", "lib/node_modules", "secret.txt"]);
  });

  it("--exclude-from reads one pattern per line, skipping blanks and comments, its rules after every include", async () => {
    await writeFile(join(dir, "rules.txt"), "# build output\nnode_modules/\n\n; scratch\n  *.tmp  \n");
    // The --include comes before the file's `*.tmp` (as it would wherever given), and leaves out the rest.
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
