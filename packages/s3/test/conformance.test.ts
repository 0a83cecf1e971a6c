import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { describeAdvancedSnapshotStorage, describeObjectStore } from "@stowage/conformance";
import { afterEach, describe, it } from "vitest";
import { S3Storage, S3Store } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

// The published suites against a real S3-compatible server on loopback. Every storage gets its
// own root prefix (and every store its own id), so tests never see each other's objects.
const { server: current } = useS3Server();
const unique = (): string => randomBytes(4).toString("hex");

async function cleanupStorage(storage: S3Storage): Promise<void> {
  await storage.deleteMany(await storage.recursiveList(""));
  storage.close();
}

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage",
    // 5 MiB parts: the suite's largest content (5 MiB + 1) goes through a multipart upload.
    create: () => new S3Storage({ bucket: current().bucket, prefix: `blob-${unique()}`, partSize: 5 * 1024 * 1024, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
  },
);

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage without conflict checks, at the bucket root of its own bucket",
    create: () => new S3Storage({ bucket: current().createBucket(), checkConflicts: false, chunkSize: 1000, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
    capabilities: { fileFolderConflicts: false, defaultChunkSize: 1000 },
  },
);

describeObjectStore(
  { describe, it },
  {
    name: "S3Store",
    create: () => new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, client: new S3Client(current().clientConfig) }),
    // A second client, as another process would have, on the same prefix and store id.
    reopen: (store) => new S3Store({ bucket: store.bucket, prefix: store.prefix, storeId: store.storeId, clientConfig: current().clientConfig }),
    // Over one listing page (1000), small enough for a loaded 2-core machine.
    largeCount: 1200,
  },
);

describeObjectStore(
  { describe, it },
  {
    name: "S3Store without conditional writes",
    create: () =>
      new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, conditionalWrites: false, clientConfig: current().clientConfig }),
    reopen: (store) =>
      new S3Store({ bucket: store.bucket, prefix: store.prefix, storeId: store.storeId, conditionalWrites: false, clientConfig: current().clientConfig }),
    largeCount: 1001,
    // Check-then-delete: two racing removers can both succeed.
    atomicRemove: false,
  },
);
