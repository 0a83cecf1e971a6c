import { describe, it } from "vitest";
import { describeAdvancedSnapshotStorage } from "../../src/index.js";
import { MapBackend } from "./map-backend.js";

// Issue 22: an adapter written on core's BlobBackend, in about a hundred lines, passes the whole suite.
describeAdvancedSnapshotStorage({ describe, it }, { name: "MapBackend (on BlobBackend)", create: () => new MapBackend() });
