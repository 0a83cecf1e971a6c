import { afterEach, describe, it } from "vitest";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { MemoryStorage } from "../src/index.js";

// The whole published suite, under vitest. test/node/ runs it again under node:test.
describeAdvancedSnapshotStorage({ describe, it, afterEach }, { name: "MemoryStorage", create: () => new MemoryStorage() });

describeAdvancedSnapshotStorage(
  { describe, it },
  { name: "MemoryStorage with 1 KiB chunks", create: () => new MemoryStorage({ chunkSize: 1024 }), capabilities: { defaultChunkSize: 1024 }, largestContentSize: 70_000 },
);
