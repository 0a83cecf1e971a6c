import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { jsonfileBackend } from "./helpers/backends.js";
import { BIN, stowage } from "./helpers/run-cli.js";

/** Each class of failure: its own exit code, one line on stderr, nothing on stdout. */
describe("errors and exit codes", () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ["unknown command", ["frobnicate"], EXIT_CODES.usage, /unknown command 'frobnicate'/],
    ["missing argument", ["cat"], EXIT_CODES.usage, /missing required argument 'location/],
    ["bad option value", ["sync", "--compare", "fast", "memory://", "memory://x"], EXIT_CODES.usage, /Allowed choices are auto, size, checksum/],
    ["a store where a file is needed", ["cat", "memory://"], EXIT_CODES.usage, /names a store, not a file: add ::<key>/],
    ["stdin without a key", ["put", "-", "memory://::dir/"], EXIT_CODES.usage, /standard input has no file name/],
    ["unknown URL parameter", ["ls", "memory://?chunksize=1"], EXIT_CODES.usage, /unknown parameter 'chunksize' in memory: URL \(accepted: chunkSize\)/],
    ["malformed URL", ["ls", "s3://bu cket"], EXIT_CODES.usage, /is not a valid store URL/],
    ["malformed URL with a password, which is never printed", ["ls", "redis://:S3cr3t@127.0.0.1:99999::x"], EXIT_CODES.usage, /^stowage: 'redis:\/\/\*\*\*@127\.0\.0\.1:99999' is not a valid store URL$/m],
    ["missing file", ["cat", "memory://::nope.txt"], EXIT_CODES.notFound, /^stowage: No such file: 'nope.txt'$/m],
    ["missing local file", ["put", "no-such-local-file", "memory://::a"], EXIT_CODES.notFound, /No such file: 'no-such-local-file'/],
    ["traversal key", ["cat", "memory://::a/../../etc/passwd"], EXIT_CODES.invalidPath, /'\.\.' segments are not allowed/],
    ["absolute key", ["stat", "memory://::/etc/passwd"], EXIT_CODES.invalidPath, /absolute path is not allowed/],
    ["no adapter installed", ["ls", "ftp://example.invalid/x"], EXIT_CODES.adapterMissing, /^stowage: no adapter for ftp: URLs: install stowage-adapter-ftp$/m],
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
      expect(result.stderr).toMatch(/^stowage: Conflict at 'a\/b'/);
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
