import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "vitest";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { LocalFileSystemBackend } from "../src/index.js";

// The whole published suite; each storage gets its own folder under os.tmpdir(), removed afterwards.
const create = (options: { chunkSize?: number; durable?: boolean } = {}) => (): LocalFileSystemBackend =>
  new LocalFileSystemBackend({ location: mkdtempSync(path.join(os.tmpdir(), "stowage-local-suite-")), ...options });
const cleanup = (storage: LocalFileSystemBackend): void => rmSync(storage.location, { recursive: true, force: true });

describeAdvancedSnapshotStorage(
  { describe, it, beforeEach, afterEach },
  { name: "LocalFileSystemBackend", create: create(), cleanup },
);

describeAdvancedSnapshotStorage(
  { describe, it, beforeEach, afterEach },
  {
    name: "LocalFileSystemBackend, 1 KiB chunks, durable: false",
    create: create({ chunkSize: 1024, durable: false }),
    cleanup,
    capabilities: { defaultChunkSize: 1024 },
    largestContentSize: 70_000,
  },
);
