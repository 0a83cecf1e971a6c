// The whole published suite under node:test, against the built packages (run by `pnpm test`).
import { afterEach, describe, it } from "node:test";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { MemoryStorage } from "../../dist/index.js";

describeAdvancedSnapshotStorage({ describe, it, afterEach }, { name: "MemoryStorage", create: () => new MemoryStorage() });
