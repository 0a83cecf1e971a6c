import { MemoryStorage } from "@stowage/memory";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { basicBackend, failingBackend, fillJsonStore as fill, jsonfileBackend, type TestStore } from "./helpers/backends.js";
import { runInProcess } from "./helpers/in-process.js";
import { stowage } from "./helpers/run-cli.js";

const env = { STOWAGE_ADAPTERS: [jsonfileBackend, basicBackend, failingBackend].map((b) => b.env.STOWAGE_ADAPTERS).join(",") };
const sync = (...args: string[]) => stowage(["sync", ...args], { env });

describe("what sync prints", () => {
  let source: TestStore;
  let target: TestStore;
  beforeEach(async () => {
    [source, target] = await Promise.all([jsonfileBackend.create(), jsonfileBackend.create()]);
    await fill(source, { "a.txt": "alpha", "b/c.txt": "gamma!" });
    await fill(target, { "b/c.txt": "gamma!", "stale.txt": "old" });
  });
  afterEach(() => Promise.all([source.cleanup(), target.cleanup()]));

  it("one summary line by default; a line per copied or deleted file only with --list", async () => {
    const plain = await sync(source.url, target.url);
    expect(plain.code).toBe(0);
    expect(plain.out).toBe("copied 1 file (5 B), skipped 1 unchanged, deleted 1\n");
    expect(plain.stderr).toBe("");

    await fill(target, { "stale.txt": "old" });
    const dry = await sync("--dry-run", "--list", source.url, target.url);
    expect(dry.out.split("\n").sort()).toEqual(
      ["", "dry run: would copy 2 files (11 B), skipped 0 unchanged, would delete 1", "would copy    a.txt", "would copy    b/c.txt", "would delete  stale.txt"].sort(),
    );
    const listed = await sync("--list", source.url, target.url);
    expect(listed.out.split("\n").sort()).toEqual(
      ["", "copied 2 files (11 B), skipped 0 unchanged, deleted 1", "copy    a.txt", "copy    b/c.txt", "delete  stale.txt"].sort(),
    );
    // Unchanged files are counted, never listed.
    expect((await sync("--list", source.url, target.url)).out).toBe("copied 0 files (0 B), skipped 2 unchanged, deleted 0\n");
  });

  it("--json prints one JSON object of counts; with --list, JSON lines then a report line", async () => {
    const json = await sync("--json", "--dry-run", source.url, target.url);
    expect(JSON.parse(json.out)).toEqual({ copied: 1, skipped: 1, deleted: 1, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 5, dryRun: true });

    const lines = (await sync("--json", "--list", source.url, target.url)).out.trimEnd().split("\n");
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.slice(0, -1).sort((x, y) => String(x.path).localeCompare(String(y.path)))).toEqual([
      { type: "copy", path: "a.txt", bytes: 5 },
      { type: "delete", path: "stale.txt" },
    ]);
    expect(parsed.at(-1)).toEqual({ type: "report", copied: 1, skipped: 1, deleted: 1, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 5, dryRun: false });
  });

  it("-q prints nothing at all when nothing goes wrong", async () => {
    const quiet = await stowage(["-q", "sync", source.url, target.url], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.out).toBe("");
    expect(quiet.stderr).toBe("");
    expect(JSON.parse((await sync("--json", source.url, target.url)).out)).toMatchObject({ copied: 0, skipped: 2 });
  });
});

describe("a sync that cannot copy every file (exit code 9)", () => {
  let source: TestStore;
  beforeEach(async () => {
    source = await failingBackend.create();
    await fill(source, { "a.txt": "fine", "b.fail": "unreadable", "c.fail": "unreadable too" });
  });
  afterEach(() => source.cleanup());

  it("--json prints the counts, failureCount, stage and each failure's message, and no stack", async () => {
    const result = await sync("--json", source.url, "memory://");
    expect(result.code).toBe(EXIT_CODES.syncFailed);
    const output = JSON.parse(result.out) as Record<string, unknown>;
    expect(output).toEqual({
      copied: 1,
      skipped: 0,
      deleted: 0,
      backedUp: 0,
      ignored: 0,
      excluded: 0,
      bytesCopied: 4,
      dryRun: false,
      failureCount: 2,
      stage: "copy",
      failures: expect.arrayContaining([
        { path: "b.fail", error: "injected read failure for b.fail" },
        { path: "c.fail", error: "injected read failure for c.fail" },
      ]) as unknown,
    });
    expect(result.out).not.toMatch(/\n\s+at /);
    expect(result.stderr).toMatch(/^stowage: sync failed to copy 2 file\(s\)/);
  });

  it("with --list --json the last JSON line is the report with the failures; without --json, the summary", async () => {
    const listed = await sync("--json", "--list", source.url, "memory://");
    expect(listed.code).toBe(EXIT_CODES.syncFailed);
    const lines = listed.out.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ type: "copy", path: "a.txt", bytes: 4 });
    expect(lines.at(-1)).toMatchObject({ type: "report", copied: 1, failureCount: 2, stage: "copy" });

    const human = await sync(source.url, "memory://");
    expect(human.out).toBe("copied 1 file (4 B), skipped 0 unchanged, deleted 0\n");
    expect(human.stderr).toMatch(/nothing was deleted/);
  });
});

describe("native copies between two stores of one backend", () => {
  let source: TestStore;
  let target: TestStore;
  beforeEach(async () => {
    [source, target] = await Promise.all([jsonfileBackend.create(), jsonfileBackend.create()]);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all([source.cleanup(), target.cleanup()]);
  });

  it("go through the target's syncCopier: the source's read is never called", async () => {
    await fill(source, { "a.txt": "alpha", "b/c.txt": "gamma" });
    const read = vi.spyOn(MemoryStorage.prototype, "read");
    const streamRead = vi.spyOn(MemoryStorage.prototype, "streamRead");
    const result = await runInProcess(["sync", "--json", source.url, target.url], { env });
    expect(result.err).toBe("");
    expect(JSON.parse(result.out)).toMatchObject({ copied: 2, bytesCopied: 10 });
    expect(read).not.toHaveBeenCalled();
    // The jsonfile fixture saves itself with streamRead on close; no sync read may have happened before.
    expect(streamRead.mock.calls.every(([key]) => ["a.txt", "b/c.txt"].includes(key))).toBe(true);
  });

  it("and a source that cannot be copied natively (basic tier) is read: the spy sees it", async () => {
    const basic = await basicBackend.create();
    try {
      await fill(basic, { "a.txt": "alpha" });
      const read = vi.spyOn(MemoryStorage.prototype, "read");
      const result = await runInProcess(["sync", "--json", basic.url, target.url], { env });
      expect(JSON.parse(result.out)).toMatchObject({ copied: 1 });
      expect(read).toHaveBeenCalledWith("a.txt");
    } finally {
      await basic.cleanup();
    }
  });
});
