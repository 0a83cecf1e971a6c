import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { describeAdvancedSnapshotStorage, describeObjectStore } from "@stowage/conformance";
import { afterEach, describe, it } from "vitest";
import { S3Storage, S3Store } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

// The published suites against a real S3-compatible server on loopback. Every storage gets its
// own root prefix (and every store its own id), so tests never see each other's objects.
// Listings use pages of PAGE keys, so the suites' large folder (LISTING files) and large store
// (COUNT objects) cross several page boundaries with a few dozen objects instead of 1000+.
const PAGE = 7;
const LISTING = 4 * PAGE + 3;
const COUNT = 6 * PAGE + 5;
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
    create: () =>
      new S3Storage({ bucket: current().bucket, prefix: `blob-${unique()}`, partSize: 5 * 1024 * 1024, maxKeys: PAGE, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
    largestListing: LISTING,
  },
);

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage without conflict checks, at the bucket root of its own bucket",
    create: () =>
      new S3Storage({ bucket: current().createBucket(), checkConflicts: false, chunkSize: 1000, maxKeys: PAGE, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
    largestListing: LISTING,
    capabilities: { fileFolderConflicts: false, defaultChunkSize: 1000 },
  },
);

describeObjectStore(
  { describe, it },
  {
    name: "S3Store",
    create: () => new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, maxKeys: PAGE, client: new S3Client(current().clientConfig) }),
    // A second client, as another process would have, on the same prefix and store id.
    reopen: (store) =>
      new S3Store({ bucket: store.bucket, prefix: store.prefix, storeId: store.storeId, maxKeys: PAGE, clientConfig: current().clientConfig }),
    largeCount: COUNT,
  },
);

describeObjectStore(
  { describe, it },
  {
    name: "S3Store without conditional writes",
    create: () =>
      new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, conditionalWrites: false, maxKeys: PAGE, clientConfig: current().clientConfig }),
    reopen: (store) =>
      new S3Store({
        bucket: store.bucket,
        prefix: store.prefix,
        storeId: store.storeId,
        conditionalWrites: false,
        maxKeys: PAGE,
        clientConfig: current().clientConfig,
      }),
    largeCount: COUNT,
    // Check-then-delete: two racing removers can both succeed.
    atomicRemove: false,
  },
);
