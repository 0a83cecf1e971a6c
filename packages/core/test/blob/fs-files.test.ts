import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
