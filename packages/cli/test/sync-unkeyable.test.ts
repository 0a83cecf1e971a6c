import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { stowage } from "./helpers/run-cli.js";

/*
 * Issue 24 item 4: names that cannot be keys. One file at a 1,214-byte path made every sync exit 9
 * ("nothing was deleted"); `-q check` exited 0 and said nothing while A held files B lacked.
 */
const LONG = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(200)).join("/") + "/x.txt"; // 1,211 bytes
const UNKEYABLE = [LONG, "Icon\r", "back\\slash"];

describe("names that cannot be keys are skipped the same way, whatever the reason", () => {
  let dir: string;
  const run = (...args: string[]) => stowage(args, { cwd: dir });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-cli-unkeyable-"));
    for (const name of [...UNKEYABLE, "a.txt"]) {
      await mkdir(dirname(join(dir, "src", name)), { recursive: true });
      await writeFile(join(dir, "src", name), "x");
    }
    await writeFile(Buffer.concat([Buffer.from(join(dir, "src", "caf")), Buffer.from([0xe9])]), "x");
    await symlink("a.txt", join(dir, "src", "link"));
    await mkdir(join(dir, "dst"));
    await writeFile(join(dir, "dst", "gone.txt"), "deleted at the source");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("sync skips them, counts and names them by reason, and still deletes the extras (exit 0)", async () => {
    const result = await run("sync", "--list", "src", "dst");
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(join(dir, "dst"))).toEqual(["a.txt"]);
    const ignored = result.out.split("\n").filter((line) => line.startsWith("ignore"));
    expect(ignored).toHaveLength(5);
    expect(ignored).toEqual(expect.arrayContaining([`ignore  ${LONG} (name that is not a valid key)`, "ignore  Icon\\x0d (name that is not a valid key)", "ignore  link (symbolic link)"]));
    expect(result.out).toMatch(/^delete  gone\.txt$/m);
    expect(result.stderr).toBe(
      "stowage: warning: 5 entries were not copied (1 symbolic link, 4 names that are not valid keys): stowage never follows links; " +
        `use file://${join(dir, "src")}?links=translate to keep them as .rclonelink files\n`,
    );
  });

  it("sync -q still warns on stderr, once, on its own line", async () => {
    const result = await run("-q", "sync", "src", "dst");
    expect(result.code).toBe(0);
    expect(result.out).toBe("");
    expect(result.stderr.match(/warning/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^stowage: warning: 5 entries were not copied .*--list names them\n$/);
  });

  it("check says what it could not compare, even with -q, and exits non-zero", async () => {
    expect((await run("-q", "sync", "src", "dst")).code).toBe(0);
    const quiet = await run("-q", "check", "src", "dst");
    expect(quiet.code).toBe(EXIT_CODES.differ);
    expect(quiet.out).toBe("");
    expect(quiet.stderr).toMatch(/^stowage: warning: 5 entries of A could not be compared \(1 symbolic link, 4 names that are not valid keys\); --list names them\n/);
    const listed = await run("check", "--list", "--json", "src", "dst");
    expect(listed.code).toBe(EXIT_CODES.differ);
    const lines = listed.out.trim().split("\n").map((line) => JSON.parse(line) as { type: string; path?: string; reason?: string });
    expect(lines.filter((line) => line.type === "not-compared")).toHaveLength(5);
    expect(lines).toContainEqual({ type: "not-compared", path: LONG, reason: "invalid-name" });
  });
});
