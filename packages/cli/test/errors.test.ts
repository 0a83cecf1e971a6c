import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { jsonfileBackend, temporaryFolder } from "./helpers/backends.js";
import { BIN, stowage } from "./helpers/run-cli.js";

/** Each class of failure: its own exit code, one line on stderr, nothing on stdout. */
describe("errors and exit codes", () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ["unknown command", ["frobnicate"], EXIT_CODES.usage, /unknown command 'frobnicate'/],
    ["missing argument", ["cat"], EXIT_CODES.usage, /missing required argument 'location/],
    ["bad option value", ["sync", "--compare", "fast", "memory://", "memory://x"], EXIT_CODES.usage, /Allowed choices are auto, size, checksum/],
    ["a store where a file is needed", ["cat", "memory://"], EXIT_CODES.usage, /names a store, not a file: add ::<key>/],
    ["stdin without a key", ["put", "-", "memory://::dir/"], EXIT_CODES.usage, /standard input has no file name/],
    ["unknown URL parameter", ["ls", "memory://?chunksize=1"], EXIT_CODES.usage, /option 'chunksize' is not a parameter of memory: URLs \(accepted: chunkSize\)/],
    ["malformed URL", ["ls", "s3://bu cket"], EXIT_CODES.usage, /is not a valid store URL/],
    ["malformed URL with a password, which is never printed", ["ls", "redis://:S3cr3t@127.0.0.1:99999::x"], EXIT_CODES.usage, /^stowage: 'redis:\/\/\*\*\*@127\.0\.0\.1:99999' is not a valid store URL$/m],
    ["missing file", ["cat", "memory://::nope.txt"], EXIT_CODES.notFound, /^stowage: no such file: 'nope.txt'$/m],
    ["missing local file", ["put", "no-such-local-file", "memory://::a"], EXIT_CODES.notFound, /no such file: 'no-such-local-file'/],
    ["traversal key", ["cat", "memory://::a/../../etc/passwd"], EXIT_CODES.invalidPath, /'\.\.' segments are not allowed/],
    ["absolute key", ["stat", "memory://::/etc/passwd"], EXIT_CODES.invalidPath, /absolute path is not allowed/],
    [
      "a scheme unlike any known one: the plugin convention, with a word of caution",
      ["ls", "ftp://example.invalid/x"],
      EXIT_CODES.adapterMissing,
      /^stowage: no adapter for ftp: URLs \(known: file, memory, redis, rediss, redis\+unix, s3\); a plugin for it would be a package named stowage-adapter-ftp or a module mapped in STOWAGE_ADAPTERS: install one only from a publisher you trust$/m,
    ],
    ["a scheme one typo from a known one: that scheme, no package name", ["ls", "rdis://localhost"], EXIT_CODES.adapterMissing, /^stowage: no adapter for rdis: URLs: did you mean redis:\?$/m],
    ["a swapped pair of letters is one typo", ["ls", "memroy://"], EXIT_CODES.adapterMissing, /^stowage: no adapter for memroy: URLs: did you mean memory:\?$/m],
    ["a relative file URL (a host)", ["ls", "file://relative/path"], EXIT_CODES.usage, /^stowage: 'file:\/\/relative\/path' is not an absolute file URL: write file:\/\/\/abs\/path \(three slashes\) or a plain path like \.\/relative\/path$/m],
    ["a relative file URL (no slashes)", ["ls", "file:relative"], EXIT_CODES.usage, /is not an absolute file URL/],
    ["a plain path with a query", ["ls", "./dst?durable=false"], EXIT_CODES.usage, /^stowage: '\.\/dst\?durable=false' is a plain path with '\?': options need a file URL, file:\/\/\/\S*\/dst\?durable=false$/m],
    ["rm -r on a whole store", ["rm", "-r", "memory://"], EXIT_CODES.usage, /refusing to delete every file/],
  ];

  it.each(cases)("%s", async (_name, args, code, message) => {
    const result = await stowage(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.out).toBe("");
  });

  it("a conflict (a key that is a file and a folder) exits 6", async () => {
    const { url, cleanup } = await jsonfileBackend.create();
    try {
      await stowage(["put", "-", `${url}::a`], { input: "file", env: jsonfileBackend.env });
      const result = await stowage(["put", "-", `${url}::a/b`], { input: "x", env: jsonfileBackend.env });
      expect(result.code).toBe(EXIT_CODES.conflict);
      expect(result.stderr).toMatch(/^stowage: conflict at 'a\/b'/);
    } finally {
      await cleanup();
    }
  });

  it("--verbose adds the stack trace", async () => {
    const quiet = await stowage(["cat", "memory://::nope"]);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await stowage(["--verbose", "cat", "memory://::nope"]);
    expect(verbose.code).toBe(EXIT_CODES.notFound);
    expect(verbose.stderr).toMatch(/SnapshotNotFoundError/);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it("--help of every command shows an example and exits 0", async () => {
    for (const command of ["ls", "cat", "put", "get", "cp", "mv", "rm", "stat", "sync"]) {
      const result = await stowage([command, "--help"]);
      expect(result.code, command).toBe(0);
      expect(result.out, command).toMatch(new RegExp(`Examples:\\n  (\\S+ \\| )?stowage ${command} `));
    }
    const main = await stowage(["--help"]);
    expect(main.out).toMatch(/<store>::<key>/);
    expect(main.out).toMatch(/3 not found, 4 invalid path, 5 capability/);
  });

  it("--version prints the package version", async () => {
    const result = await stowage(["--version"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a plain path with '?' never becomes a folder with a query in its name", async () => {
    const { path, cleanup } = await temporaryFolder();
    try {
      await writeFile(join(path, "a.txt"), "a");
      const put = await stowage(["put", "a.txt", "./dst?durable=false::a.txt"], { cwd: path });
      expect(put.code).toBe(EXIT_CODES.usage);
      const sync = await stowage(["sync", "memory://", "dst?durable=false"], { cwd: path });
      expect(sync.code).toBe(EXIT_CODES.usage);
      expect(sync.stderr).toContain(`options need a file URL, ${pathToFileURL(join(path, "dst")).href}?durable=false`);
      expect(await readdir(path)).toEqual(["a.txt"]);
      // The suggested URL works, and its query is options, not part of the name.
      const url = `${pathToFileURL(join(path, "dst")).href}?durable=false`;
      expect((await stowage(["put", "a.txt", `${url}::a.txt`], { cwd: path })).code).toBe(0);
      expect((await readdir(path)).sort()).toEqual(["a.txt", "dst"]);
    } finally {
      await cleanup();
    }
  });

  it("rm -f and rm -rf on a missing local store exit 0, as rm -f does; without -f it is exit 3", async () => {
    const { path, cleanup } = await temporaryFolder();
    try {
      expect((await stowage(["rm", "-r", "-f", "./missing"], { cwd: path })).code).toBe(0);
      expect((await stowage(["rm", "-f", "./missing::a.txt"], { cwd: path })).code).toBe(0);
      const strict = await stowage(["rm", "-r", "./missing::x"], { cwd: path });
      expect(strict.code).toBe(EXIT_CODES.notFound);
      expect(strict.stderr).toBe(`stowage: no such store: ${join(path, "missing")}\n`);
      expect(await readdir(path)).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it("get and cat on a folder say it is a folder, not a file", async () => {
    const { path, cleanup } = await temporaryFolder();
    try {
      await mkdir(join(path, "store", "docs"), { recursive: true });
      await writeFile(join(path, "store", "docs", "x.txt"), "x");
      for (const args of [["get", "./store::docs", "out"], ["cat", "./store::docs"]]) {
        const result = await stowage(args, { cwd: path });
        expect(result.code, args[0]).toBe(EXIT_CODES.usage);
        expect(result.stderr).toBe("stowage: './store::docs' is a folder, not a file: use sync to copy a folder\n");
      }
      // A file that is simply missing is still "not found".
      const missing = await stowage(["get", "./store::nope", "out"], { cwd: path });
      expect(missing.code).toBe(EXIT_CODES.notFound);
      expect(missing.stderr).toBe("stowage: no such file: 'nope'\n");
      expect(await readdir(path)).toEqual(["store"]);
    } finally {
      await cleanup();
    }
  });

  it("a reader that leaves early (cat | head) ends the command quietly with 0", async () => {
    const { url, cleanup } = await jsonfileBackend.create();
    try {
      await stowage(["put", "-", `${url}::big`], { input: Buffer.alloc(4 * 1024 * 1024), env: jsonfileBackend.env });
      const child = spawn(process.execPath, [BIN, "cat", `${url}::big`], { env: { ...process.env, ...jsonfileBackend.env } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once("data", () => child.stdout.destroy());
      const code = await new Promise((resolve) => child.on("close", resolve));
      expect(stderr).toBe("");
      expect(code).toBe(0);
    } finally {
      await cleanup();
    }
  });
});
