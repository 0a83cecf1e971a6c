import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { MAX_RULE_FILE_BYTES } from "../src/rule-file.js";
import { temporaryFolder } from "./helpers/backends.js";
import { BIN, stowage } from "./helpers/run-cli.js";

/** Issue 20, "Options that misbehave": each is a usage error (exit 2) that names what is wrong and changes nothing. */
describe("sync options that must be refused", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const run = (...args: string[]) => stowage(["sync", ...args], { cwd: dir });
  const files = async (folder: string): Promise<string[]> =>
    (await readdir(join(dir, folder), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(join(dir, folder).length + 1))
      .sort();

  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
    await mkdir(join(dir, "src/sub"), { recursive: true });
    await writeFile(join(dir, "src/a.txt"), "a");
    await writeFile(join(dir, "src/sub/b.txt"), "b");
    await mkdir(join(dir, "dst"));
    await writeFile(join(dir, "dst/old.txt"), "o");
  });
  afterEach(() => cleanup());

  describe("filter pattern text (rclone's glob syntax)", () => {
    it.each([
      ["//", "empty path segment"],
      ["[", "'[' that is never closed"],
      ["[a-", "'[' that is never closed"],
      ["{a,", "'{' that is never closed"],
      ["", "is empty"],
      ["a]", "']' with no '['"],
    ])("--exclude %j is a usage error naming the pattern, and the sync does not run", async (pattern, problem) => {
      const result = await run("--exclude", pattern, "src", "dst");
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr.startsWith(`stowage: --exclude '${pattern}' is not a valid filter pattern: it `)).toBe(true);
      expect(result.stderr).toContain(problem);
      expect(result.stderr.split("\n")).toHaveLength(2);
      expect(await files("dst")).toEqual(["old.txt"]);
    });

    it("--include, an --exclude-from line, and check's filters are checked the same way, before any store is opened", async () => {
      const include = await run("--include", "*.{txt", "src", "new-dst");
      expect(include.code).toBe(EXIT_CODES.usage);
      expect(include.stderr).toMatch(/^stowage: --include '\*\.\{txt' is not a valid filter pattern: it has a '\{' that is never closed/);
      await writeFile(join(dir, "rules.txt"), "# comment\n*.tmp\n\n[abc\n");
      const fromFile = await run("--exclude-from", "rules.txt", "src", "new-dst");
      expect(fromFile.code).toBe(EXIT_CODES.usage);
      expect(fromFile.stderr).toMatch(/^stowage: --exclude-from: 'rules.txt' line 4: '\[abc' is not a valid filter pattern/);
      const check = await stowage(["check", "--exclude", "[", "src", "dst"], { cwd: dir });
      expect(check.code).toBe(EXIT_CODES.usage);
      expect(check.stderr).toMatch(/^stowage: --exclude '\[' is not a valid filter pattern/);
      // The destination was never opened, so never created.
      expect(await readdir(dir)).not.toContain("new-dst");
    });

    it("characters only picomatch reads as syntax are literal, as in rclone: --exclude 'a(1).txt' leaves out that file", async () => {
      await writeFile(join(dir, "src/a(1).txt"), "1");
      const result = await run("--exclude", "a(1).txt", "--exclude", "!*", "src", "dst");
      expect(result.code).toBe(0);
      expect(await files("dst")).toEqual(["a.txt", "sub/b.txt"]);
    });
  });

  it.each([
    ["--concurrency", "0"],
    ["--checkers", "0"],
    ["--checkers", "2.5"],
    ["--checkers", "many"],
  ])("%s %s is a usage error naming the flag, and the sync does not run", async (flag, value) => {
    const result = await run(flag, value, "src", "dst");
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toBe(`stowage: ${flag} must be a positive integer, got '${value}'\n`);
    expect(await files("dst")).toEqual(["old.txt"]);
  });

  it("--checkers n mirrors like any sync", async () => {
    const result = await run("--checkers", "3", "--concurrency", "1", "src", "dst");
    expect(result.code).toBe(0);
    expect(await files("dst")).toEqual(["a.txt", "sub/b.txt"]);
  });

  describe("rule files", () => {
    it("/dev/zero is refused as binary input, from its first bytes", async () => {
      const result = await run("--exclude-from", "/dev/zero", "src", "dst");
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toBe("stowage: --exclude-from: '/dev/zero' is not a text file (a NUL byte at offset 0)\n");
      expect(await files("dst")).toEqual(["old.txt"]);
    });

    it("random bytes, and bytes that are not UTF-8, are refused as binary input", async () => {
      await writeFile(join(dir, "random.bin"), Buffer.concat([Buffer.from("*.tmp\n"), randomBytes(1 << 20)]));
      const random = await run("--exclude-from", "random.bin", "src", "dst");
      expect(random.code).toBe(EXIT_CODES.usage);
      expect(random.stderr).toMatch(/^stowage: --exclude-from: 'random.bin' is not a text file \(/);
      await writeFile(join(dir, "latin1.txt"), Buffer.from("caf\xe9.txt\n", "latin1"));
      const latin1 = await run("--exclude-from", "latin1.txt", "src", "dst");
      expect(latin1.code).toBe(EXIT_CODES.usage);
      expect(latin1.stderr).toBe("stowage: --exclude-from: 'latin1.txt' is not a text file (its bytes are not UTF-8)\n");
      expect(await files("dst")).toEqual(["old.txt"]);
    });

    it("a text file over 16 MiB is refused", async () => {
      const line = `${"x".repeat(1023)}\n`;
      await writeFile(join(dir, "huge.txt"), line.repeat(MAX_RULE_FILE_BYTES / 1024 + 1));
      const result = await run("--exclude-from", "huge.txt", "src", "dst");
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toBe("stowage: --exclude-from: 'huge.txt' is larger than 16 MiB: not a list of patterns\n");
      expect(await files("dst")).toEqual(["old.txt"]);
    });

    // FIFOs, and /proc to see the CLI waiting on one, are Linux's.
    it.runIf(process.platform === "linux")("a pipe is read to its end: rules written into a FIFO apply", async () => {
      makeFifo(join(dir, "rules.fifo"));
      const child = spawn(process.execPath, [BIN, "sync", "--json", "--exclude-from", "rules.fifo", "src", "dst"], { cwd: dir });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
      await withDeadline(writeFile(join(dir, "rules.fifo"), "sub/\n"), child);
      expect(await withDeadline(closed, child)).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ copied: 1 });
      expect(await files("dst")).toEqual(["a.txt"]);
    });

    it.runIf(process.platform === "linux")("a FIFO nobody writes: one SIGINT ends the process (exit 130)", async () => {
      const fifo = join(dir, "rules.fifo");
      makeFifo(fifo);
      const child = spawn(process.execPath, [BIN, "sync", "--exclude-from", "rules.fifo", "src", "dst"], { cwd: dir });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
      // A condition, not a time: the CLI holds the FIFO open, so it is waiting for a writer.
      await withDeadline(untilOpen(child.pid!, fifo), child);
      child.kill("SIGINT");
      expect(await withDeadline(closed, child)).toBe(EXIT_CODES.interrupted);
      expect(stderr).toBe("stowage: interrupted by SIGINT\n");
      expect(await files("dst")).toEqual(["old.txt"]);
    });
  });

  it.each(["..", ".", " . "])("--suffix %j, dots and spaces alone, is a usage error (Windows would save the old version over the file)", async (suffix) => {
    const result = await run("--backup-dir", "bak", "--suffix", suffix, "src", "dst");
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(new RegExp(`^stowage: --suffix '${suffix.replace(/\./g, "\\.")}' cannot end a file name: .*not dots and spaces alone`));
    expect(await files("dst")).toEqual(["old.txt"]);
    expect(await readdir(dir)).not.toContain("bak");
  });

  describe("a backup folder reached through a symbolic link", () => {
    it("--backup-dir LINK/bak, LINK leading to the destination, overlaps it (exit 2); run twice, nothing nests", async () => {
      await symlink(join(dir, "dst"), join(dir, "to-dst"));
      for (let run = 0; run < 2; run++) {
        const result = await stowage(["sync", "--backup-dir", "to-dst/bak", "src", "dst"], { cwd: dir });
        expect(result.code).toBe(EXIT_CODES.usage);
        expect(result.stderr).toBe("stowage: --backup-dir 'to-dst/bak' overlaps the destination 'dst': choose a folder outside both\n");
      }
      expect(await files("dst")).toEqual(["old.txt"]);
    });

    it("--backup-dir LINK/bak, LINK leading to the source, overlaps it (exit 2), and a link inside the path counts too", async () => {
      await symlink(join(dir, "src"), join(dir, "to-src"));
      const result = await run("--backup-dir", "to-src/bak", "src", "dst");
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toBe("stowage: --backup-dir 'to-src/bak' overlaps the source 'src': choose a folder outside both\n");
      const inside = await run("--backup-dir", "./to-src::sub/bak", "src", "dst");
      expect(inside.code).toBe(EXIT_CODES.usage);
      expect(await readdir(join(dir, "src"))).toEqual(["a.txt", "sub"]);
      expect(await files("dst")).toEqual(["old.txt"]);
      expect(await readlink(join(dir, "to-src"))).toBe(join(dir, "src"));
    });

    it("a destination reached through a link into the source overlaps it too (exit 4), for sync and check", async () => {
      await symlink(join(dir, "src"), join(dir, "to-src"));
      const sync = await run("src", "to-src/copy");
      expect(sync.code).toBe(EXIT_CODES.invalidPath);
      expect(sync.stderr).toMatch(/overlaps the source 'src'/);
      expect(await readdir(join(dir, "src"))).toEqual(["a.txt", "sub"]);
      const check = await stowage(["check", "src", "to-src/sub"], { cwd: dir });
      expect(check.code).toBe(EXIT_CODES.invalidPath);
    });

    it("a link to a folder outside both is fine: the old versions land where it leads", async () => {
      await mkdir(join(dir, "elsewhere"));
      await symlink(join(dir, "elsewhere"), join(dir, "to-elsewhere"));
      const result = await run("--backup-dir", "to-elsewhere/bak", "src", "dst");
      expect(result.code).toBe(0);
      expect(await files("elsewhere")).toEqual(["bak/old.txt"]);
      await rm(join(dir, "to-elsewhere"));
    });
  });
});

/** Makes a FIFO with mkfifo(1). */
function makeFifo(path: string): void {
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
}

/** Resolves once process `pid` holds `path` open, as /proc shows (Linux). */
async function untilOpen(pid: number, path: string): Promise<void> {
  for (;;) {
    const fds = await readdir(`/proc/${pid}/fd`);
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")));
    if (targets.includes(path)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `promise`, or a failure (and the child killed) if it has not settled in 20 s: a test must not hang. */
async function withDeadline<T>(promise: Promise<T>, child: { kill(signal: NodeJS.Signals): boolean }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the CLI did not get there within 20 s"));
    }, 20_000);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
