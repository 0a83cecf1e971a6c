import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { collectBytes } from "@stowage/core";
import { LocalFileSystemBackend } from "../src/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "stowage-local-readme-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("runs the README example", async () => {
  const dump = path.join(dir, "db.sql.gz");
  writeFileSync(dump, "pretend this is a database dump");
  const storage = new LocalFileSystemBackend({ location: path.join(dir, "snapshots") });
  await storage.write("2026-11-22/db.sql.gz", createReadStream(dump));
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.streamRead("2026-11-22/db.sql.gz")) chunks.push(chunk);
  expect(Buffer.concat(chunks).toString()).toBe("pretend this is a database dump");
  const report = await storage.sync("2026-11-22", "latest");
  expect(report).toMatchObject({ copied: 1, bytesCopied: 31 });
  expect((await collectBytes(await storage.read("latest/db.sql.gz"))).toString()).toBe("pretend this is a database dump");
  expect(await storage.cleanupTempFiles({ olderThan: 24 * 60 * 60 * 1000 })).toEqual([]);
});
