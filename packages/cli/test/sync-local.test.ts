import { mkdir, mkdtemp, readFile, readlink, lstat, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LocalFileSystemBackend } from "@stowage/local";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runInProcess } from "./helpers/in-process.js";
import { stowage } from "./helpers/run-cli.js";

/** Local folder to local folder: two roots, two backend instances, as `stowage sync dirA dirB` opens them. */
describe("sync between two local folders", () => {
  let dir: string;
  const run = (args: string[]) => stowage(args, { cwd: dir });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-cli-local-"));
    await mkdir(join(dir, "src", "d"), { recursive: true });
    await writeFile(join(dir, "src", "a.txt"), "alpha");
    await writeFile(join(dir, "src", "d", "b.txt"), "beta");
    // Times a copy made now could not have by accident.
    await utimes(join(dir, "src", "a.txt"), new Date("2020-01-02T03:04:05.678Z"), new Date("2020-01-02T03:04:05.678Z"));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("copies keep the source's modification time, so a second run copies nothing", async () => {
    const first = await run(["sync", "--json", "src", "dst"]);
    expect(first.stderr).toBe("");
    expect(JSON.parse(first.out)).toMatchObject({ copied: 2, bytesCopied: 9 });
    expect((await stat(join(dir, "dst", "a.txt"))).mtime.toISOString()).toBe("2020-01-02T03:04:05.678Z");
    expect(await readFile(join(dir, "dst", "d", "b.txt"), "utf8")).toBe("beta");
    const again = await run(["sync", "--json", "src", `${pathToFileURL(join(dir, "dst")).href}?durable=false`]);
    expect(JSON.parse(again.out)).toMatchObject({ copied: 0, skipped: 2 });
  });

  it("-c (rclone's --checksum) compares contents: same size and time with other bytes is copied; -c with --compare is a usage error", async () => {
    await run(["sync", "src", "dst"]);
    // Other bytes, same size, the same time as the copy: only a checksum tells them apart.
    await writeFile(join(dir, "src", "a.txt"), "ALPHA");
    await utimes(join(dir, "src", "a.txt"), new Date("2020-01-02T03:04:05.678Z"), new Date("2020-01-02T03:04:05.678Z"));
    expect(JSON.parse((await run(["sync", "--json", "src", "dst"])).out)).toMatchObject({ copied: 0 });
    for (const flag of ["-c", "--checksum"]) {
      await writeFile(join(dir, "src", "a.txt"), flag === "-c" ? "ALPHA" : "alpha");
      await utimes(join(dir, "src", "a.txt"), new Date("2020-01-02T03:04:05.678Z"), new Date("2020-01-02T03:04:05.678Z"));
      expect(JSON.parse((await run(["sync", "--json", flag, "src", "dst"])).out)).toMatchObject({ copied: 1, skipped: 1 });
    }
    const both = await run(["sync", "-c", "--compare", "size", "src", "dst"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/'-c, --checksum' cannot be used with option '--compare <rule>'/);
  });

  it("never reads a source file: the target's native copier does the copies (in-process, with a spy)", async () => {
    const read = vi.spyOn(LocalFileSystemBackend.prototype, "read");
    const streamRead = vi.spyOn(LocalFileSystemBackend.prototype, "streamRead");
    const native = await runInProcess(["sync", "--json", "src", "dst"], { cwd: dir });
    expect(native.err).toBe("");
    expect(JSON.parse(native.out)).toMatchObject({ copied: 2, bytesCopied: 9 });
    expect(read).not.toHaveBeenCalled();
    expect(streamRead).not.toHaveBeenCalled();
    // The control: to another backend the bytes must be read, and the spy sees it.
    const streamed = await runInProcess(["sync", "--json", "src", "memory://"], { cwd: dir });
    expect(JSON.parse(streamed.out)).toMatchObject({ copied: 2 });
    expect(read).toHaveBeenCalledTimes(2);
  });

  describe("with symbolic links in the source", () => {
    beforeEach(async () => {
      await symlink("a.txt", join(dir, "src", "link"));
      await symlink("d", join(dir, "src", "dirlink"));
    });

    it.each([["dst"], ["memory://"]])("to %s: counted as ignored, named with --list, and a warning on stderr, even with -q", async (target) => {
      const result = await run(["sync", "--json", "src", target]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ copied: 2, ignored: 2 });
      expect(result.stderr).toBe(
        `stowage: warning: 2 entries were not copied (2 symbolic links): stowage never follows links; ` +
          `use ${pathToFileURL(join(dir, "src")).href}?links=translate to keep them as .rclonelink files; --list names them\n`,
      );
      const listed = await run(["-q", "sync", "--list", "src", target]);
      expect(listed.out.split("\n").filter((line) => line.startsWith("ignore")).sort()).toEqual([
        "ignore  dirlink (symbolic link)",
        "ignore  link (symbolic link)",
      ]);
      expect(listed.stderr).toMatch(/^stowage: warning: 2 entries were not copied \(2 symbolic links\)/);
      if (target === "dst") await expect(lstat(join(dir, "dst", "link"))).rejects.toMatchObject({ code: "ENOENT" });
    });

    it("links=translate keeps them as .rclonelink files, and a translating target turns them back into links", async () => {
      const source = `${pathToFileURL(join(dir, "src")).href}?links=translate`;
      const out = await run(["sync", "--json", source, "plain"]);
      expect(out.stderr).toBe("");
      expect(JSON.parse(out.out)).toMatchObject({ copied: 4, ignored: 0 });
      expect(await readFile(join(dir, "plain", "link.rclonelink"), "utf8")).toBe("a.txt");
      const back = await run(["sync", "plain", `${pathToFileURL(join(dir, "restored")).href}?links=translate`]);
      expect(back.code).toBe(0);
      expect(await readlink(join(dir, "restored", "link"))).toBe("a.txt");
      expect(await readlink(join(dir, "restored", "dirlink"))).toBe("d");
    });
  });
});
