import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder for this test run's database files (under the OS temp dir). */
export const tempDir = mkdtempSync(join(tmpdir(), "stowage-sqlite-"));

let next = 0;

/** A path for a new database file, unique in this run. */
export function tempDb(): string {
  return join(tempDir, `objects-${process.pid}-${next++}.db`);
}
