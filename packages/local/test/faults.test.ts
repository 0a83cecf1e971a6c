import type { FileHandle } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SnapshotIOError, SnapshotNotFoundError } from "@stowage/core";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

/**
 * Faults a real disk will not produce on demand (the tests run as root, so not even EACCES): the
 * next call of a named fs function fails with the given errno. Everything else is the real fs.
 */
const faults = vi.hoisted(() => ({
  next: new Map<string, string>(),
  failWritesAfter: undefined as number | undefined,
}));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const fail = (name: string): void => {
    const code = faults.next.get(name);
    if (code === undefined) return;
    faults.next.delete(name);
    throw Object.assign(new Error(`${code}: injected fault, ${name}`), { code, syscall: name });
  };
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      fail(name);
      return fn(...args);
    };
  const open = async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
    fail("open");
    const handle = await real.open(...args);
    if (faults.failWritesAfter !== undefined) {
      let budget = faults.failWritesAfter;
      const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      (handle as { write: unknown }).write = async (...a: unknown[]) => {
        if (budget-- <= 0) throw Object.assign(new Error("ENOSPC: injected, disk full"), { code: "ENOSPC", syscall: "write" });
        return write(...a);
      };
    }
    return handle;
  };
  const mocked = {
    ...real,
    open,
    rename: wrap("rename", real.rename),
    copyFile: wrap("copyFile", real.copyFile),
    readdir: wrap("readdir", real.readdir) as typeof real.readdir,
    unlink: wrap("unlink", real.unlink),
    lstat: wrap("lstat", real.lstat) as typeof real.lstat,
  };
  return { ...mocked, default: mocked };
});

let box: Sandbox;
beforeEach(() => {
  faults.next.clear();
  faults.failWritesAfter = undefined;
  box = createSandbox();
});
afterEach(() => box.cleanup());

function expectIOError(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(SnapshotIOError);
  expect((error as SnapshotIOError).cause).toMatchObject({ code });
}

describe("filesystem faults map to typed errors and leave no trace", () => {
  it("a full disk half-way through a write keeps the old file and removes the temp file", async () => {
    await box.storage.write("a/f", "old");
    faults.failWritesAfter = 1;
    const blocks = Array.from({ length: 3 }, () => Buffer.alloc(1024 * 1024, 7));
    const error = await box.storage.write("a/f", blocks).catch((e: unknown) => e);
    expectIOError(error, "ENOSPC");
    faults.failWritesAfter = undefined;
    expect(await readText(box.storage, "a/f")).toBe("old");
    expect(listDisk(box.root)).toEqual(["a/", "a/f"]);
  });

  it("ENOSPC or EACCES when creating the temp file is a SnapshotIOError, and new folders are pruned", async () => {
    faults.next.set("open", "ENOSPC");
    expectIOError(await box.storage.write("new/f", "x").catch((e: unknown) => e), "ENOSPC");
    faults.next.set("open", "EACCES");
    expectIOError(await box.storage.write("f", "x").catch((e: unknown) => e), "EACCES");
    expect(listDisk(box.root)).toEqual([]);
  });

  it("a failed rename removes the temp file and keeps the old content", async () => {
    await box.storage.write("f", "old");
    faults.next.set("rename", "EACCES");
    expectIOError(await box.storage.write("f", "new").catch((e: unknown) => e), "EACCES");
    expect(await readText(box.storage, "f")).toBe("old");
    expect(listDisk(box.root)).toEqual(["f"]);
  });

  it("EACCES on read is an I/O error, not 'not found'", async () => {
    await box.storage.write("f", "x");
    faults.next.set("open", "EACCES");
    expectIOError(await box.storage.read("f").catch((e: unknown) => e), "EACCES");
    faults.next.set("readdir", "EACCES");
    expectIOError(await box.storage.list("").catch((e: unknown) => e), "EACCES");
    faults.next.set("lstat", "EIO");
    expectIOError(await box.storage.exists("f").catch((e: unknown) => e), "EIO");
    faults.next.set("unlink", "EPERM");
    expectIOError(await box.storage.delete("f").catch((e: unknown) => e), "EPERM");
    expect(await readText(box.storage, "f")).toBe("x");
  });

  it("atomicMove across filesystems (EXDEV) falls back to copy, rename, unlink", async () => {
    await box.storage.write("src/f", "payload");
    await box.storage.write("dst/f", "old");
    faults.next.set("rename", "EXDEV");
    await box.storage.atomicMove("src/f", "dst/f");
    expect(await readText(box.storage, "dst/f")).toBe("payload");
    await expect(box.storage.read("src/f")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(listDisk(box.root)).toEqual(["dst/", "dst/f"]);
  });

  it("a failing sync copy is reported by SyncError and deletes nothing", async () => {
    await box.storage.write("s/a", "1");
    await box.storage.write("d/extra", "keep");
    faults.next.set("copyFile", "ENOSPC");
    const error = await box.storage.sync("s", "d").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_SYNC" });
    expect(await box.storage.recursiveList("d")).toEqual(["d/extra"]);
    expect(listDisk(box.root)).toEqual(["d/", "d/extra", "s/", "s/a"]);
  });
});
