import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { failingBackend, fillJsonStore, type TestStore } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

const OLD = new Date("2020-01-02T03:04:05.000Z");

/** `stowage sync --backup-dir LOCATION [--suffix S] [--suffix-keep-extension]` between local folders. */
describe("sync --backup-dir", () => {
  let dir: string;
  const run = (...args: string[]) => stowage(["sync", ...args], { cwd: dir, env: failingBackend.env });
  const put = async (files: Record<string, string>, mtime?: Date): Promise<void> => {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
      if (mtime !== undefined) await utimes(join(dir, path), mtime, mtime);
    }
  };
  const tree = async (folder: string): Promise<Record<string, string>> => {
    const files: Record<string, string> = {};
    for (const entry of await readdir(join(dir, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files[path.slice(join(dir, folder).length + 1)] = await readFile(path, "utf8");
    }
    return files;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-cli-backup-"));
    await put({ "src/a.txt": "new a", "src/same": "s" });
    await put({ "dst/a.txt": "old", "dst/same": "s", "dst/sub/gone": "old gone" }, OLD);
    await utimes(join(dir, "src/same"), OLD, OLD);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("saves each overwritten or deleted file first, with the suffix; --json counts backedUp, --list names them", async () => {
    const result = await run("--json", "--backup-dir", "bak::run", "--suffix", "-1", "src", "dst");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ copied: 1, skipped: 1, deleted: 1, backedUp: 2, ignored: 0, excluded: 0, bytesCopied: 5, dryRun: false });
    expect(await tree("dst")).toEqual({ "a.txt": "new a", same: "s" });
    expect(await tree("bak")).toEqual({ "run/a.txt-1": "old", "run/sub/gone-1": "old gone" });

    await put({ "src/a.txt": "newer a" });
    const listed = await run("--list", "--backup-dir", "bak::run", "--suffix", "-2", "--suffix-keep-extension", "src", "dst");
    expect(listed.code).toBe(0);
    expect(listed.out).toBe("back up a.txt\ncopy    a.txt\ncopied 1 file (7 B), skipped 1 unchanged, deleted 0, backed up 1 old version\n");
    expect(await tree("bak")).toEqual({ "run/a.txt-1": "old", "run/a-2.txt": "new a", "run/sub/gone-1": "old gone" });
  });

  it("--dry-run saves nothing and says what it would back up", async () => {
    const result = await run("--dry-run", "--list", "--backup-dir", "bak", "src", "dst");
    expect(result.code).toBe(0);
    expect(result.out.split("\n")).toEqual(
      expect.arrayContaining(["would back up a.txt", "would back up sub/gone", "dry run: would copy 1 file (5 B), skipped 1 unchanged, would delete 1, would back up 2 old versions"]),
    );
    // Like the destination, the backup folder is opened (a local one made) even by a dry run; nothing is saved in it.
    expect(await tree("bak")).toEqual({});
    expect(await tree("dst")).toEqual({ "a.txt": "old", same: "s", "sub/gone": "old gone" });
  });

  it("a copy failing half-way exits 9: the destination keeps its old file, the backup folder holds it too, nothing is deleted", async () => {
    const target: TestStore = { url: `failing://${join(dir, "dst.json")}`, cleanup: async () => undefined };
    await fillJsonStore(target, { "a.txt": "old", "b.nowrite": "old b", "extra": "x" });
    await put({ "src/b.nowrite": "new b!" });
    const result = await run("--json", "--backup-dir", "bak", "src", target.url);
    expect(result.code).toBe(EXIT_CODES.syncFailed);
    expect(JSON.parse(result.out)).toMatchObject({ copied: 2, deleted: 0, backedUp: 2, stage: "copy", failures: [{ path: "b.nowrite" }] });
    expect(result.stderr).toMatch(/injected write failure for b\.nowrite/);
    expect(await tree("bak")).toEqual({ "a.txt": "old", "b.nowrite": "old b" });
    const kept = await stowage(["cat", `${target.url}::b.nowrite`], { env: failingBackend.env });
    expect(kept.out).toBe("old b");
    expect((await stowage(["cat", `${target.url}::extra`], { env: failingBackend.env })).out).toBe("x");
  });

  it("a backup that fails exits 9 and leaves that destination file as it was (--json failures say step backup)", async () => {
    await put({ "src/sub/x": "new x!", "bak/sub": "a file where the backup needs a folder" });
    await put({ "dst/sub/x": "old x" }, OLD);
    const result = await run("--json", "--backup-dir", "bak", "src", "dst");
    expect(result.code).toBe(EXIT_CODES.syncFailed);
    const output = JSON.parse(result.out) as { failures: Array<{ path: string; step?: string }>; deleted: number };
    expect(output.failures.map((failure) => [failure.path, failure.step])).toEqual([["sub/x", "backup"]]);
    expect(output.deleted).toBe(0);
    expect(result.stderr).toMatch(/first 'sub\/x' \(backing up its old version\)/);
    expect(await tree("dst")).toMatchObject({ "a.txt": "new a", "sub/x": "old x", "sub/gone": "old gone" });
  });

  it("a backup folder overlapping the source or destination, or a bad --suffix, is a usage error that changes nothing", async () => {
    const before = await tree("dst");
    for (const args of [
      ["--backup-dir", "dst/old"],
      ["--backup-dir", "dst"],
      ["--backup-dir", "./src::bak"],
      ["--backup-dir", "."],
      ["--backup-dir", "bak", "--suffix", "a/b"],
      ["--suffix", "-1"],
      ["--suffix-keep-extension"],
    ]) {
      const result = await run(...args, "src", "dst");
      expect(result.code, args.join(" ")).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(/^stowage: --(backup-dir|suffix)/);
    }
    expect(await tree("dst")).toEqual(before);
    await expect(readdir(join(dir, "bak"))).rejects.toThrow(/ENOENT/);
  });

  it("--help documents --backup-dir, --suffix and --suffix-keep-extension", async () => {
    const help = await stowage(["sync", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--backup-dir <location>", "--suffix <suffix>", "--suffix-keep-extension"]) expect(help.out).toContain(flag);
  });
});
