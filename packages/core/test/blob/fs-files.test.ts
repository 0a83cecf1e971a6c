import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneEmptyFolders, replaceFile } from "../../src/index.js";

const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "stowage-fs-files-"));
  roots.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("replaceFile", () => {
  it("creates the folders and replaces the file", async () => {
    const dir = root();
    const target = path.join(dir, "a", "b.txt");
    await replaceFile(target, "one", "tmp-1");
    await replaceFile(target, [Buffer.from("tw"), Buffer.from("o")], "tmp-2");
    expect(readFileSync(target, "utf8")).toBe("two");
    expect(readdirSync(path.join(dir, "a"))).toEqual(["b.txt"]);
  });

  it("keeps the old file and leaves no temporary one when the source fails", async () => {
    const dir = root();
    const target = path.join(dir, "f");
    writeFileSync(target, "old");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("new, half");
      throw new Error("source broke");
    }
    await expect(replaceFile(target, failing(), "tmp")).rejects.toThrow("source broke");
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["f"]);
  });

  it("stores chunks as yielded when the producer reuses one buffer", async () => {
    const dir = root();
    const target = path.join(dir, "f");
    function* reused(): Generator<Uint8Array> {
      const buffer = Buffer.alloc(1);
      for (const char of "abc") {
        buffer.write(char);
        yield buffer;
      }
    }
    await replaceFile(target, reused(), "tmp");
    expect(readFileSync(target, "utf8")).toBe("abc");
  });
});

describe("replaceFile beside deletes that prune its folder", () => {
  // Seen in CI (unstorage's fs driver, conformance "concurrent writes and deletes in one folder"):
  // a delete pruned the folder between the write's mkdir and its open, or inside Node's recursive
  // mkdir, and the write failed with ENOENT. Before the fix, nearly every round here failed.
  it("writes its file while a delete in the same folder prunes it, round after round", async () => {
    const dir = root();
    const folder = path.join(dir, "mix");
    for (let round = 0; round < 100; round++) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `old-${round}`), "old");
      const target = path.join(folder, `new-${round}`);
      await Promise.all([
        unlink(path.join(folder, `old-${round}`)).then(() => pruneEmptyFolders(dir, folder)),
        replaceFile(target, `new ${round}`, `tmp-${round}`),
      ]);
      expect(readFileSync(target, "utf8")).toBe(`new ${round}`);
      expect(readdirSync(folder)).toEqual([`new-${round}`]);
      rmSync(target);
      await pruneEmptyFolders(dir, folder);
    }
  });
});

describe("pruneEmptyFolders", () => {
  it("removes the folders left empty, up to the first that is not, and never the root", async () => {
    const dir = root();
    mkdirSync(path.join(dir, "a", "b", "c"), { recursive: true });
    writeFileSync(path.join(dir, "a", "keep"), "");
    await pruneEmptyFolders(dir, path.join(dir, "a", "b", "c"));
    expect(readdirSync(path.join(dir, "a"))).toEqual(["keep"]);
    rmSync(path.join(dir, "a", "keep"));
    await pruneEmptyFolders(dir, path.join(dir, "a"));
    expect(readdirSync(dir)).toEqual([]);
  });
});
