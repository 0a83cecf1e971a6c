import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "vitest";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { LocalFileSystemBackend } from "../src/index.js";
import { findTempFiles } from "../src/tree.js";

// The whole published suite; each storage gets its own folder under os.tmpdir(), removed afterwards.
const create = (options: { chunkSize?: number; durable?: boolean } = {}) => (): LocalFileSystemBackend =>
  new LocalFileSystemBackend({ location: mkdtempSync(path.join(os.tmpdir(), "stowage-local-suite-")), ...options });
const cleanup = (storage: LocalFileSystemBackend): void => rmSync(storage.location, { recursive: true, force: true });
/** Temporary files (`.stowage-tmp-*`) anywhere under the root: what an aborted write must not leave. */
const debris = async (storage: LocalFileSystemBackend): Promise<string[]> =>
  (await findTempFiles(storage.location, "")).map((file) => file.key);

describeAdvancedSnapshotStorage(
  { describe, it, beforeEach, afterEach },
  { name: "LocalFileSystemBackend", create: create(), cleanup, debris },
);

describeAdvancedSnapshotStorage(
  { describe, it, beforeEach, afterEach },
  {
    name: "LocalFileSystemBackend, 1 KiB chunks, durable: false",
    create: create({ chunkSize: 1024, durable: false }),
    cleanup,
    debris,
    capabilities: { defaultChunkSize: 1024 },
    largestContentSize: 70_000,
  },
);
