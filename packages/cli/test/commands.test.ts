import { randomBytes } from "node:crypto";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BACKENDS } from "./helpers/all-backends.js";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage, type RunOptions } from "./helpers/run-cli.js";

describe.each(BACKENDS)("every command on $name", (backend) => {
  let store: string;
  let local: string;
  const cleanups: Array<() => Promise<void>> = [];
  const run = (args: string[], options: RunOptions = {}) =>
    stowage(args, { cwd: local, ...options, env: { ...backend.env, ...options.env } });
  const at = (key: string) => `${store}::${key}`;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(async () => {
    const created = await backend.create();
    const folder = await temporaryFolder();
    store = created.url;
    local = folder.path;
    cleanups.push(created.cleanup, folder.cleanup);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("put from stdin, cat to stdout, get to a file: the same bytes", async () => {
    const bytes = randomBytes(300_000);
    const put = await run(["put", "-", at("bin/blob.dat")], { input: bytes });
    expect(put.code).toBe(0);
    expect(put.stderr).toBe("");
    const cat = await run(["cat", at("bin/blob.dat")]);
    expect(cat.code).toBe(0);
    expect(cat.stderr).toBe("");
    expect(cat.stdout.equals(bytes)).toBe(true);
    expect((await run(["get", at("bin/blob.dat"), "copy.dat"])).code).toBe(0);
    expect((await readFile(join(local, "copy.dat"))).equals(bytes)).toBe(true);
    const piped = await run(["get", at("bin/blob.dat")]);
    expect(piped.stdout.equals(bytes)).toBe(true);
  });

  it("put a local file into a folder keeps its name; get into a folder too", async () => {
    await writeFile(join(local, "notes.txt"), "hello notes");
    expect((await run(["put", "notes.txt", at("docs/")])).code).toBe(0);
    expect((await run(["cat", at("docs/notes.txt")])).out).toBe("hello notes");
    await mkdir(join(local, "out"));
    expect((await run(["get", at("docs/notes.txt"), "out"])).code).toBe(0);
    expect(await readFile(join(local, "out", "notes.txt"), "utf8")).toBe("hello notes");
  });

  it("ls lists one level with folders marked; -r lists every file; --json with -l has sizes", async () => {
    await run(["put", "-", at("a/one.txt")], { input: "1" });
    await run(["put", "-", at("a/sub/two.txt")], { input: "22" });
    await run(["put", "-", at("top.txt")], { input: "333" });
    expect((await run(["ls", store])).out).toBe("a/\ntop.txt\n");
    expect((await run(["ls", at("a")])).out).toBe("a/one.txt\na/sub/\n");
    expect((await run(["ls", "-r", store])).out).toBe("a/one.txt\na/sub/two.txt\ntop.txt\n");
    const json = JSON.parse((await run(["ls", "-l", "--json", at("a/")])).out) as Array<Record<string, unknown>>;
    expect(json).toEqual([
      expect.objectContaining({ path: "a/one.txt", type: "file", size: 1, mtime: expect.any(String) }),
      { path: "a/sub/", type: "folder" },
    ]);
    const long = (await run(["ls", "-rl", store])).out.split("\n");
    expect(long[2]).toMatch(/^\s+3 B\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+top\.txt$/);
    expect((await run(["ls", at("missing")])).out).toBe("");
  });

  it("stat prints size and time, and --json the FileStat", async () => {
    await run(["put", "-", at("s.bin")], { input: Buffer.alloc(2048, 1) });
    const human = await run(["stat", at("s.bin")]);
    expect(human.out).toContain("size   2.0 KiB (2048 bytes)");
    const json = JSON.parse((await run(["stat", "--json", at("s.bin")])).out) as Record<string, unknown>;
    expect(json).toMatchObject({ path: "s.bin", size: 2048 });
    expect(Number.isNaN(Date.parse(String(json.mtime)))).toBe(false);
  });

  it("cp copies within the store; mv moves; the source of mv is gone", async () => {
    await run(["put", "-", at("x/a.txt")], { input: "alpha" });
    expect((await run(["cp", at("x/a.txt"), at("y/")])).code).toBe(0);
    expect((await run(["cat", at("y/a.txt")])).out).toBe("alpha");
    expect((await run(["mv", at("x/a.txt"), at("z/moved.txt")])).code).toBe(0);
    expect((await run(["cat", at("z/moved.txt")])).out).toBe("alpha");
    expect((await run(["cat", at("x/a.txt")])).code).toBe(3);
    expect((await run(["ls", "-r", store])).out).toBe("y/a.txt\nz/moved.txt\n");
  });

  it("rm deletes a file, rm -r a folder, and refuses a folder without -r", async () => {
    for (const key of ["d/1", "d/2", "d/e/3", "keep"]) await run(["put", "-", at(key)], { input: key });
    const folder = await run(["rm", at("d")]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder, not a file: use rm -r/);
    expect((await run(["rm", at("d/1")])).code).toBe(0);
    expect((await run(["rm", "-r", at("d")])).code).toBe(0);
    expect((await run(["ls", "-r", store])).out).toBe("keep\n");
    expect((await run(["rm", at("d/1")])).code).toBe(3);
    expect((await run(["rm", "-f", at("d/1")])).code).toBe(0);
    expect((await run(["rm", "-r", store])).code).toBe(2);
    expect((await run(["rm", "-rf", store])).code).toBe(0);
    expect((await run(["ls", "-r", store])).out).toBe("");
  });

  it("sync mirrors a folder, skips unchanged files on a rerun, --no-delete keeps extras, --dry-run changes nothing", async () => {
    for (const key of ["src/a.txt", "src/b/c.txt", "dst/stale.txt"]) await run(["put", "-", at(key)], { input: key });
    const dry = await run(["sync", "--dry-run", "--json", at("src"), at("dst")]);
    expect(JSON.parse(dry.out)).toEqual({ copied: 2, skipped: 0, deleted: 1, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 20, dryRun: true });
    expect((await run(["ls", "-r", at("dst")])).out).toBe("dst/stale.txt\n");

    const kept = await run(["sync", "--no-delete", at("src"), at("dst")]);
    expect(kept.out).toBe("copied 2 files (20 B), skipped 0 unchanged, deleted 0\n");
    expect((await run(["ls", "-r", at("dst")])).out).toBe("dst/a.txt\ndst/b/c.txt\ndst/stale.txt\n");

    const full = await run(["sync", "--list", at("src"), at("dst")]);
    expect(full.out).toBe("delete  stale.txt\ncopied 0 files (0 B), skipped 2 unchanged, deleted 1\n");
    expect((await run(["ls", "-r", at("dst")])).out).toBe("dst/a.txt\ndst/b/c.txt\n");
  });

  it("sync refuses to empty the destination from a source without files (a typo, most likely)", async () => {
    await run(["put", "-", at("dst/keep.txt")], { input: "k" });
    const result = await run(["sync", at("srcc"), at("dst")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has no files, so sync would empty the destination/);
    expect((await run(["ls", "-r", at("dst")])).out).toBe("dst/keep.txt\n");
    expect((await run(["sync", "--no-delete", at("srcc"), at("dst")])).code).toBe(0);
  });

  it("sync refuses overlapping folders of one store", async () => {
    await run(["put", "-", at("p/a.txt")], { input: "a" });
    const result = await run(["sync", at("p"), at("p/inner")]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/overlap/);
  });

  it("cp, mv and sync work from this store to memory:// and back within one command", async () => {
    await run(["put", "-", at("m/a.txt")], { input: "to memory" });
    const report = await run(["sync", "--json", at("m"), "memory://::copy"]);
    expect(JSON.parse(report.out)).toMatchObject({ copied: 1, bytesCopied: 9 });
    expect((await run(["cp", at("m/a.txt"), "memory://::x.txt"])).code).toBe(0);
  });
});
