import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { collectBytes } from "@stowage/core";
import { LocalFileSystemBackend, type LocalFileSystemBackendOptions } from "../src/index.js";

/**
 * A temporary folder per test: `root` (the storage location) and `outside` (a neighbour holding a
 * canary file). `outsideSnapshot()` records every path and content below `outside` and the
 * sandbox itself, so a test can prove that nothing outside the root was created, changed or removed.
 */
export interface Sandbox {
  dir: string;
  root: string;
  outside: string;
  storage: LocalFileSystemBackend;
  outsideSnapshot: () => string;
  cleanup: () => void;
}

export function createSandbox(options: Partial<LocalFileSystemBackendOptions> = {}): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), "stowage-local-"));
  const root = path.join(dir, "root");
  const outside = path.join(dir, "outside");
  mkdirSync(outside);
  writeFileSync(path.join(outside, "canary.txt"), "canary");
  mkdirSync(path.join(outside, "sub"));
  writeFileSync(path.join(outside, "sub", "x"), "outside x");
  const storage = new LocalFileSystemBackend({ location: root, ...options });
  return {
    dir,
    root,
    outside,
    storage,
    outsideSnapshot: () => snapshotTree(dir, (entry) => entry !== root),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every path below `dir` (except those `keep` rejects) with its type, size and content. */
export function snapshotTree(dir: string, keep: (entry: string) => boolean = () => true): string {
  const lines: string[] = [];
  const visit = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const entry = path.join(current, name);
      if (!keep(entry)) continue;
      const stats = lstatSync(entry);
      if (stats.isDirectory()) {
        lines.push(`${entry}/`);
        visit(entry);
      } else if (stats.isSymbolicLink()) {
        lines.push(`${entry} -> ${readlinkSync(entry)}`);
      } else {
        lines.push(`${entry} ${stats.size} ${stats.mtimeMs} ${stats.isFile() ? readFileSync(entry).toString("base64") : ""}`);
      }
    }
  };
  visit(dir);
  return lines.join("\n");
}

/** Reads a stored file as a UTF-8 string. */
export async function readText(storage: LocalFileSystemBackend, key: string): Promise<string> {
  return (await collectBytes(await storage.read(key))).toString("utf8");
}

/** Every entry below `dir`, relative, folders with a trailing `/`. */
export function listDisk(dir: string): string[] {
  const out: string[] = [];
  const visit = (current: string, rel: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        out.push(`${key}/`);
        visit(path.join(current, entry.name), key);
      } else out.push(key);
    }
  };
  visit(dir, "");
  return out.sort();
}
