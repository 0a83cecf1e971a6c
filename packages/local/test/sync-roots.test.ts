import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectBytes, syncStorages, type SyncProgress } from "@stowage/core";
import { LocalFileSystemBackend, LOCAL_BRAND, type LocalFileSystemBackendOptions } from "../src/index.js";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

/** Counts folder fsyncs (the real fsync runs): faults and counts a real disk cannot show. */
const fsyncs = vi.hoisted(() => ({ folders: [] as string[] }));
vi.mock("../src/folders.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/folders.js")>();
  return {
    ...real,
    syncFolder: async (dir: string) => {
      fsyncs.folders.push(dir);
      await real.syncFolder(dir);
    },
  };
});

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
  fsyncs.folders.length = 0;
});
afterEach(() => box.cleanup());

/** A second storage root in the sandbox. */
function root(name: string, options: Partial<LocalFileSystemBackendOptions> = {}): LocalFileSystemBackend {
  return new LocalFileSystemBackend({ location: path.join(box.dir, name), ...options });
}

describe("modification times", () => {
  it("write and streamWrite keep the given mtime to the millisecond; stat and streamList return it", async () => {
    const mtime = new Date(1_234_567_890_987);
    await box.storage.write("a", "x", { mtime });
    await box.storage.streamWrite("b/c", [Buffer.from("y")], { mtime });
    expect((await box.storage.stat("a")).mtime).toEqual(mtime);
    expect((await box.storage.stat("b/c")).mtime).toEqual(mtime);
    expect(lstatSync(path.join(box.root, "a")).mtimeMs).toBeCloseTo(mtime.getTime(), 0);
    for await (const entry of box.storage.streamList("")) expect(entry.mtime).toEqual(mtime);
  });
});

describe("sync between two roots", () => {
  it("copies natively (never through read), carries mtimes, and re-runs as a no-op", async () => {
    const source = box.storage;
    const target = root("other");
    const mtime = new Date(1_500_000_000_001);
    await source.write("s/a", "alpha", { mtime });
    await source.write("s/deep/b", "beta");
    const reads = [vi.spyOn(source, "read"), vi.spyOn(source, "streamRead")];
    expect(target.syncCopier(source)).toBeDefined();
    const first = await syncStorages(source, "s", target, "t");
    expect(first).toEqual({ copied: 2, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 9, dryRun: false });
    for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    expect(await readText(target, "t/deep/b")).toBe("beta");
    expect((await target.stat("t/a")).mtime).toEqual(mtime);
    expect((await target.stat("t/deep/b")).mtime).toEqual((await source.stat("s/deep/b")).mtime);
    expect(await syncStorages(source, "s", target, "t")).toMatchObject({ copied: 0, skipped: 2 });
    expect(listDisk(target.location)).toEqual(["t/", "t/a", "t/deep/", "t/deep/b"]);
  });

  it("copies a source rolled back to an older copy of the same size", async () => {
    const target = root("other");
    await box.storage.write("s/f", "new", { mtime: new Date(2_000_000_000_000) });
    await syncStorages(box.storage, "s", target, "t");
    await box.storage.write("s/f", "old", { mtime: new Date(1_000_000_000_000) }); // cp -p of an older copy
    const report = await syncStorages(box.storage, "s", target, "t");
    expect(report).toMatchObject({ copied: 1, skipped: 0 });
    expect(await readText(target, "t/f")).toBe("old");
    expect((await target.stat("t/f")).mtime).toEqual(new Date(1_000_000_000_000));
  });

  it("recognises a local source by its registered brand, not by instanceof; other storages get no copier", () => {
    expect(LOCAL_BRAND).toBe(Symbol.for("stowage.local"));
    const target = root("other");
    const { read, write, list, delete: remove, exists } = box.storage;
    const stranger = { read, write, list, delete: remove, exists };
    expect(target.syncCopier(stranger)).toBeUndefined();
    const branded = { ...stranger, [LOCAL_BRAND]: box.storage[LOCAL_BRAND] };
    const future = { ...stranger, [LOCAL_BRAND]: { version: 2 } };
    expect(target.syncCopier(branded)).toBeDefined();
    expect(target.syncCopier(future)).toBeUndefined();
  });

  it("durable: fsyncs each folder that received files once, at the end, not once per file", async () => {
    const target = root("other");
    for (const folder of ["x", "y", "z"]) for (let i = 0; i < 5; i++) await box.storage.write(`s/${folder}/${i}`, "data");
    fsyncs.folders.length = 0;
    expect((await syncStorages(box.storage, "s", target, "t")).copied).toBe(15);
    const receiving = ["x", "y", "z"].map((folder) => path.join(target.location, "t", folder));
    // Each receiving folder once, plus their parents up to the root (a created folder is an entry there).
    expect([...fsyncs.folders].sort()).toEqual([target.location, path.join(target.location, "t"), ...receiving].sort());
    fsyncs.folders.length = 0;
    const fast = root("fast", { durable: false });
    await syncStorages(box.storage, "s", fast, "t");
    expect(fsyncs.folders).toEqual([]);
  });

  it("sync inside one root uses the same copier", async () => {
    await box.storage.write("s/a", "alpha", { mtime: new Date(1_400_000_000_000) });
    const read = vi.spyOn(box.storage, "read");
    expect(await box.storage.sync("s", "d")).toMatchObject({ copied: 1 });
    expect(read).not.toHaveBeenCalled();
    expect((await box.storage.stat("d/a")).mtime).toEqual(new Date(1_400_000_000_000));
  });

  it("a source file replaced by a link after the walk is not copied through it", async () => {
    const target = root("other");
    await box.storage.write("s/f", "x");
    const copier = target.syncCopier(box.storage);
    const stat = await box.storage.stat("s/f");
    execFileSync("rm", [path.join(box.root, "s", "f")]);
    symlinkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "s", "f"));
    await expect(copier?.copy("s/f", "t/f", stat)).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    await copier?.finish();
    expect(listDisk(target.location)).toEqual([]);
  });
});

describe("symbolic links in a sync's source", () => {
  function plantLinks(): void {
    mkdirSync(path.join(box.root, "s", "d"), { recursive: true });
    writeFileSync(path.join(box.root, "s", "d", "real"), "real");
    symlinkSync(path.join(box.outside, "canary.txt"), path.join(box.root, "s", "x"));
    symlinkSync(box.outside, path.join(box.root, "s", "d", "folder-link"));
    execFileSync("mkfifo", [path.join(box.root, "s", "fifo")]);
  }

  it("are counted in report.ignored and named by ignore events, never copied", async () => {
    plantLinks();
    const target = root("other");
    const ignored: SyncProgress[] = [];
    const report = await syncStorages(box.storage, "s", target, "t", {
      onProgress: (event) => event.action === "ignore" && ignored.push(event),
    });
    expect(report).toMatchObject({ copied: 1, ignored: 3 });
    expect(ignored.map(({ path: p, reason }) => `${p} ${reason}`).sort()).toEqual(["d/folder-link link", "fifo special", "x link"]);
    expect(listDisk(target.location)).toEqual(["t/", "t/d/", "t/d/real"]);
  });

  it("translate mode: a link travels as x.rclonelink and is restored as the same link", async () => {
    plantLinks();
    const translating = new LocalFileSystemBackend({ location: box.root, links: "translate" });
    const plain = root("plain");
    const events: string[] = [];
    const there = await syncStorages(translating, "s", plain, "t", { onProgress: (event) => events.push(`${event.action} ${event.path}`) });
    expect(there).toMatchObject({ copied: 3, ignored: 1 });
    expect(events.sort()).toEqual(["copy d/folder-link.rclonelink", "copy d/real", "copy x.rclonelink", "ignore fifo"]);
    expect(readFileSync(path.join(plain.location, "t", "x.rclonelink"), "utf8")).toBe(path.join(box.outside, "canary.txt"));
    expect(lstatSync(path.join(plain.location, "t", "d", "folder-link.rclonelink")).isFile()).toBe(true);
    expect(await syncStorages(translating, "s", plain, "t")).toMatchObject({ copied: 0, skipped: 3 });

    const restored = root("restored", { links: "translate" });
    expect(await syncStorages(plain, "t", restored, "r")).toMatchObject({ copied: 3, ignored: 0 });
    const link = path.join(restored.location, "r", "x");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(path.join(box.outside, "canary.txt"));
    expect(readlinkSync(path.join(restored.location, "r", "d", "folder-link"))).toBe(box.outside);
    expect(Math.round(lstatSync(link).mtimeMs)).toBe(Math.round(lstatSync(path.join(box.root, "s", "x")).mtimeMs));
    expect(await syncStorages(plain, "t", restored, "r")).toMatchObject({ copied: 0, skipped: 3 });
    // Translate to translate keeps links as links too, and the listing of the copy agrees.
    const mirror = root("mirror", { links: "translate" });
    await syncStorages(translating, "s", mirror, "m");
    expect(readlinkSync(path.join(mirror.location, "m", "x"))).toBe(path.join(box.outside, "canary.txt"));
    expect(await mirror.recursiveList("m")).toEqual(["m/d/folder-link.rclonelink", "m/d/real", "m/x.rclonelink"]);
  });

  it("translate mode reads, stats, deletes and writes links without following them", async () => {
    plantLinks();
    const storage = new LocalFileSystemBackend({ location: box.root, links: "translate" });
    const target = path.join(box.outside, "canary.txt");
    expect((await collectBytes(await storage.read("s/x.rclonelink"))).toString()).toBe(target);
    expect(await storage.stat("s/x.rclonelink")).toMatchObject({ size: Buffer.byteLength(target) });
    expect(await storage.exists("s/x.rclonelink")).toBe(true);
    expect(await storage.exists("s/x")).toBe(false);
    await expect(storage.read("s/x")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    expect(await storage.list("s")).toEqual(["s/d/", "s/x.rclonelink"]);
    // Writing a link over a regular file of the same name would destroy another key.
    await expect(storage.write("s/d/real.rclonelink", "/etc/passwd")).rejects.toMatchObject({ code: "E_CONFLICT" });
    await storage.write("s/new.rclonelink", "../relative/target", { mtime: new Date(1_300_000_000_000) });
    expect(readlinkSync(path.join(box.root, "s", "new"))).toBe("../relative/target");
    expect((await storage.stat("s/new.rclonelink")).mtime).toEqual(new Date(1_300_000_000_000));
    await storage.atomicMove("s/new.rclonelink", "s/moved.rclonelink");
    expect(readlinkSync(path.join(box.root, "s", "moved"))).toBe("../relative/target");
    await storage.delete("s/moved.rclonelink");
    await storage.delete("s/x.rclonelink");
    expect(listDisk(path.join(box.root, "s"))).toEqual(["d/", "d/folder-link", "d/real", "fifo"]);
    // A regular file named like a translated link is ambiguous, and passed over.
    writeFileSync(path.join(box.root, "s", "plain.rclonelink"), "x");
    const skipped: string[] = [];
    for await (const entry of storage.streamList("s", { onSkip: (e) => skipped.push(`${e.path} ${e.reason}`) })) void entry;
    expect(skipped.sort()).toEqual(["s/fifo special", "s/plain.rclonelink invalid-name"]);
  });
});
